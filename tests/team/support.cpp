// The integration tests' HTTP client, compiled into this test executable (tests/integration stays untouched).
#include "integration/http_client.cpp"
