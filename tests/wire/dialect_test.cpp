// Which requests the wire layer owns, and which paths only pretend not to be a tool API.
#include <catch2/catch.hpp>

#include "wire/dialect.h"

using toolwall::wire::dialect_for;
using toolwall::wire::disguised_tool_api;

TEST_CASE("a tool API path with other letter case or trailing slashes reads as that API") {
  CHECK(disguised_tool_api("POST", "/v1/chat/completions/") == "/v1/chat/completions");
  CHECK(disguised_tool_api("POST", "/V1/Chat/Completions") == "/v1/chat/completions");
  CHECK(disguised_tool_api("POST", "/chat/completions///") == "/chat/completions");
  CHECK(disguised_tool_api("POST", "/v1/Responses") == "/v1/responses");
  CHECK(disguised_tool_api("POST", "/v1/MESSAGES/") == "/v1/messages");
  CHECK(disguised_tool_api("POST", "/API/CHAT") == "/api/chat");
}

TEST_CASE("exact tool API paths, other methods and other paths are not disguised") {
  for (const char* path : {"/v1/chat/completions", "/chat/completions", "/v1/responses", "/v1/messages", "/api/chat"})
    CHECK(disguised_tool_api("POST", path).empty());
  CHECK(dialect_for("POST", "/v1/chat/completions") != nullptr);
  CHECK(disguised_tool_api("GET", "/V1/Chat/Completions/").empty());
  for (const char* path : {"/v1/models/", "/V1/Embeddings", "/v1/chat/completion", "/v1/chat/completions/x", "/", ""})
    CHECK(disguised_tool_api("POST", path).empty());
}
