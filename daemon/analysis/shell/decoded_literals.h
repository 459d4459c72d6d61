#pragma once
// Interpreter one-liners hide the command or code they run behind a decoder of a constant:
// os.system(codecs.decode('phey …', 'rot13')), exec('…'[::-1]), execSync(String.fromCharCode(99, …)),
// Perl's pack("H*", "6375…"), Ruby's "d2dl…".unpack1("m"), exec(zlib.decompress(base64.b64decode(b'…'))).
// Each such expression is replaced by the text it decodes to, as a double-quoted literal, so the token
// reading of the one-liner (interpreters.h) sees what runs.
#include <string>
#include <string_view>

namespace toolwall::shell {

// The code with every constant decoder written out (decoders of decoders too, a few levels deep);
// the code unchanged when it decodes nothing. Bounded: large code, and decoded text past 64 KiB, stay
// as written.
std::string fold_decoded_literals(std::string_view code);

}  // namespace toolwall::shell
