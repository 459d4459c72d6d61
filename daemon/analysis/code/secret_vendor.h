#pragma once
// Whose API a secret is for, by its name (OPENAI_API_KEY is OpenAI's, NPM_TOKEN npm's), and whether the
// hosts a piece of code talks to are that vendor's: a vendor's key sent to its own API is how the key is
// used, the same key sent anywhere else is a leak.
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::code {

// Secret-named environment variables the code reads (os.environ["X"], os.getenv("X"), process.env.X,
// os.Getenv("X") … whose name holds TOKEN, SECRET, PASSWORD, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL).
std::vector<std::string> secret_env_names(std::string_view code);

// The hosts of the http(s) URL literals in text.
std::vector<std::string> url_hosts(std::string_view text);

// The vendor a secret's name points at, lower case ("openai" for OPENAI_API_KEY); empty when the name
// says no vendor (API_TOKEN, SECRET_KEY, DB_PASSWORD).
std::string secret_vendor(std::string_view name);

// True when some secret of names belongs to a vendor and none of hosts is that vendor's: registered under
// its name (api.openai.com) or one of its API domains (amazonaws.com for AWS). hosts empty: nothing is
// known, false.
bool sent_to_other_vendor(const std::vector<std::string>& names, const std::vector<std::string>& hosts);

}  // namespace toolwall::code
