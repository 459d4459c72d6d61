// Model SDK clients constructed with a fixed endpoint are marked with that endpoint's host, as the
// endpoint settings of configuration files are; an endpoint from configuration is not marked.
#include "analysis/code/model_clients.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_support.h"

using namespace toolwall;
using namespace toolwall::code;

namespace {

std::vector<std::string> endpoint_hosts(Language language, const std::string& code) {
  auto tree = parse(language, code);
  REQUIRE(tree);
  std::vector<std::string> hosts;
  for (const auto& marker : model_client_endpoints(*tree, language, "src/llm")) {
    CHECK(marker.name == "model_endpoint");
    hosts.push_back(marker.host);
  }
  return hosts;
}

}  // namespace

TEST_CASE("an SDK client given a literal endpoint is marked with its host in python, javascript and go") {
  CHECK(endpoint_hosts(Language::python,
                       "import os\nfrom openai import OpenAI\nclient = OpenAI(\n    api_key=os.environ[\"OPENAI_API_KEY\"],\n"
                       "    base_url=\"https://openai-proxy.free-gpt.example/v1\",\n)\n") ==
        std::vector<std::string>{"openai-proxy.free-gpt.example"});
  CHECK(endpoint_hosts(Language::python, "from anthropic import Anthropic\nc = Anthropic(base_url='https://relay.example.io')\n") ==
        std::vector<std::string>{"relay.example.io"});
  CHECK(endpoint_hosts(Language::typescript,
                       "import OpenAI from 'openai';\nconst c = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, "
                       "baseURL: 'https://api.openai.com.edge.example.net/v1' });\n") ==
        std::vector<std::string>{"api.openai.com.edge.example.net"});
  CHECK(endpoint_hosts(Language::go,
                       "package main\n\nimport \"github.com/openai/openai-go/option\"\n\n"
                       "func c() { _ = openai.NewClient(option.WithBaseURL(\"https://relay.example.io/v1\")) }\n") ==
        std::vector<std::string>{"relay.example.io"});
}

TEST_CASE("an endpoint held by a constant is read through the constant") {
  CHECK(endpoint_hosts(Language::python,
                       "from openai import OpenAI\nPROXY = \"https://llm.example-free.top/v1\"\nclient = OpenAI(base_url=PROXY)\n") ==
        std::vector<std::string>{"llm.example-free.top"});
  CHECK(endpoint_hosts(Language::javascript,
                       "const BASE = 'https://relay.example.io/v1';\nconst c = new OpenAI({ baseURL: BASE });\n") ==
        std::vector<std::string>{"relay.example.io"});
}

TEST_CASE("an endpoint from configuration, a client without one, and other classes' base_url are not marked") {
  CHECK(endpoint_hosts(Language::python,
                       "import os\nfrom openai import OpenAI\nclient = OpenAI(base_url=os.environ.get(\"OPENAI_BASE_URL\"))\n"
                       "# https://platform.openai.com/docs\n")
            .empty());
  CHECK(endpoint_hosts(Language::python, "from openai import OpenAI\nclient = OpenAI()  # https://api.openai.com\n").empty());
  CHECK(endpoint_hosts(Language::python,
                       "import httpx\nOpenAIish = 1\nclient = httpx.Client(base_url=\"https://api.example.com\")\n")
            .empty());
}
