#pragma once
// Small text primitives that the shell analyser, the wire readers and the proxy all need.
#include <cstdint>
#include <string>

namespace toolwall {

// The value of one hexadecimal digit, or -1.
int hex_value(char c);
// Appends a code point as UTF-8 (the caller has checked it is a scalar value).
void append_utf8(std::string& out, uint32_t code);

}  // namespace toolwall
