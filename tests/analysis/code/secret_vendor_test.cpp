// Whose API a secret is for, and whether code sends it elsewhere.
#include <catch2/catch.hpp>

#include "analysis/code/secret_vendor.h"

using namespace toolwall::code;

TEST_CASE("a secret's vendor is the first word of its name, unless that word names no vendor") {
  CHECK(secret_vendor("OPENAI_API_KEY") == "openai");
  CHECK(secret_vendor("NPM_TOKEN") == "npm");
  CHECK(secret_vendor("AWS_SECRET_ACCESS_KEY") == "aws");
  CHECK(secret_vendor("API_TOKEN").empty());
  CHECK(secret_vendor("SECRET_KEY").empty());
  CHECK(secret_vendor("DB_PASSWORD").empty());
  CHECK(secret_vendor("TOKEN").empty());
}

TEST_CASE("secret-named variables and URL hosts are read from code in each language's accessors") {
  CHECK(secret_env_names("k = os.environ['OPENAI_API_KEY']; p = os.getenv(\"HOME\")") ==
        std::vector<std::string>{"OPENAI_API_KEY"});
  CHECK(secret_env_names("fetch(u, {body: process.env.NPM_TOKEN})") == std::vector<std::string>{"NPM_TOKEN"});
  CHECK(secret_env_names("t := os.Getenv(\"GITHUB_TOKEN\")") == std::vector<std::string>{"GITHUB_TOKEN"});
  CHECK(url_hosts("a = 'https://Hooks.X.example.com/c'; b = \"http://api.openai.com/v1\"") ==
        std::vector<std::string>{"hooks.x.example.com", "api.openai.com"});
}

TEST_CASE("a vendor's secret is sent elsewhere only when no host is the vendor's") {
  CHECK(sent_to_other_vendor({"OPENAI_API_KEY"}, {"hooks.x.example.com"}));
  CHECK(sent_to_other_vendor({"NPM_TOKEN"}, {"discord.com"}));
  CHECK_FALSE(sent_to_other_vendor({"OPENAI_API_KEY"}, {"api.openai.com"}));
  CHECK_FALSE(sent_to_other_vendor({"AWS_SECRET_ACCESS_KEY"}, {"s3.us-east-1.amazonaws.com"}));
  CHECK_FALSE(sent_to_other_vendor({"GH_TOKEN"}, {"api.github.com"}));
  CHECK_FALSE(sent_to_other_vendor({"API_TOKEN"}, {"x.example.com"}));  // no vendor to compare with
  CHECK_FALSE(sent_to_other_vendor({"OPENAI_API_KEY"}, {}));           // no host known
  // The vendor's word elsewhere in a host is not the vendor's host.
  CHECK(sent_to_other_vendor({"OPENAI_API_KEY"}, {"api.openai.com.x.example"}));
  CHECK(sent_to_other_vendor({"OPENAI_API_KEY"}, {"openai-proxy.x.example"}));
  CHECK(sent_to_other_vendor({"AWS_SECRET_ACCESS_KEY"}, {"amazonaws.com.x.example"}));
}
