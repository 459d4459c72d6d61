#!/usr/bin/env bash
# Tries real agent CLIs through `toolwall serve` against the scripted model upstream (upstream.mjs),
# the way a new user would: install the CLI from npm, point it at toolwall, run it non-interactively.
# Not part of ctest/CI: the CLIs are large and change often. See README.md in this folder.
#
# usage: tests/integration/agents/try_agents.sh [AGENT ...]   (default: all)
# agents: claude codex codex-base-url codex-default-model qwen opencode opencode-responses
#         opencode-anthropic generic generic-stream
# env:   AGENTS_DIR   scratch dir for the CLIs, homes, work dirs and logs (default /tmp/toolwall-agents)
#        TOOLWALL     the toolwall binary (default build/toolwall)
#        SCENARIOS    which scripted answers to try (default "exfil block harmless mixed write-ok write-bad")
#        POLICY, PROFILES   policy and agent profiles (default rules/default.yaml, config/agents.yaml)
#        UPSTREAM_PORT, TOOLWALL_PORT (default 18701, 18702)
#        CODEX_VERSION, CLAUDE_VERSION, QWEN_VERSION, OPENCODE_VERSION: npm versions to install
#          (default: the versions tried, listed in README.md; "latest" for the newest)
# Every agent runs with HOME pointed at a fresh scratch dir and a stand-in `curl` first on PATH that
# only records that it ran, so nothing leaves the machine and the real home is never touched.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
AGENTS_DIR="${AGENTS_DIR:-/tmp/toolwall-agents}"
TOOLWALL="${TOOLWALL:-$repo/build/toolwall}"
SCENARIOS="${SCENARIOS:-exfil block harmless mixed write-ok write-bad}"
UPSTREAM_PORT="${UPSTREAM_PORT:-18701}"
TOOLWALL_PORT="${TOOLWALL_PORT:-18702}"
CODEX_VERSION="${CODEX_VERSION:-0.169.0}"
CLAUDE_VERSION="${CLAUDE_VERSION:-2.1.197}"
QWEN_VERSION="${QWEN_VERSION:-0.15.10}"
OPENCODE_VERSION="${OPENCODE_VERSION:-1.18.33}"
TOOLWALL_URL="http://127.0.0.1:$TOOLWALL_PORT"
AGENT_TIMEOUT="${AGENT_TIMEOUT:-180}"

agents=("$@")
[ ${#agents[@]} -eq 0 ] && agents=(claude codex codex-base-url codex-default-model qwen opencode opencode-responses opencode-anthropic generic generic-stream)

mkdir -p "$AGENTS_DIR/cli" "$AGENTS_DIR/runs" "$AGENTS_DIR/bin"
runs="$AGENTS_DIR/runs"
audit="$runs/audit.jsonl"
upstream_log="$runs/upstream.jsonl"

# ---- the CLIs, from npm ----
install_cli() {  # package version bin
  local package="$1" version="$2" bin="$3"
  if [ ! -x "$AGENTS_DIR/cli/node_modules/.bin/$bin" ] ||
     [ "$(node -p "require('$AGENTS_DIR/cli/node_modules/$package/package.json').version" 2>/dev/null)" != "$version" ]; then
    echo "installing $package@$version into $AGENTS_DIR/cli"
    (cd "$AGENTS_DIR/cli" && { [ -f package.json ] || npm init -y >/dev/null; } &&
      npm install --no-audit --no-fund "$package@$version" >/dev/null) || { echo "npm install $package failed"; return 1; }
  fi
  echo "$package $(node -p "require('$AGENTS_DIR/cli/node_modules/$package/package.json').version")"
}

# A curl that records its arguments and sends nothing: proof of whether an agent ran the call.
cat > "$AGENTS_DIR/bin/curl" <<'EOF'
#!/bin/sh
echo "curl $*" >> "${CURL_MARKER:?}"
exit 7
EOF
chmod +x "$AGENTS_DIR/bin/curl"

# ---- the scripted upstream and toolwall ----
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; }
trap cleanup EXIT

: > "$audit"; : > "$upstream_log"
node "$here/upstream.mjs" --port "$UPSTREAM_PORT" --log "$upstream_log" > "$runs/upstream.out" 2>&1 &
pids+=($!)
cat > "$runs/toolwall.yaml" <<EOF
listen: 127.0.0.1:$TOOLWALL_PORT
upstream: http://127.0.0.1:$UPSTREAM_PORT
policy: ${POLICY:-$repo/rules/default.yaml}
profiles: ${PROFILES:-$repo/config/agents.yaml}
threads: 1
audit:
  path: $audit
  log_all: true
EOF
"$TOOLWALL" serve --config "$runs/toolwall.yaml" > "$runs/toolwall.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl_ok=$(command curl -s "$TOOLWALL_URL/healthz" 2>/dev/null) && break; sleep 0.2; done
if [ -z "${curl_ok:-}" ]; then echo "toolwall did not start:"; cat "$runs/toolwall.out"; exit 1; fi

# ---- one run: fresh HOME and work dir, the agent's command, then the checks ----
prompt_for() { echo "Run the tests of this project. [scenario=$1] [cwd=$work]"; }

fresh_dirs() {  # agent scenario
  home="$AGENTS_DIR/home/$1-$2"; work="$AGENTS_DIR/work/$1-$2"
  rm -rf "$home" "$work"; mkdir -p "$home" "$work"
  printf '{"name":"demo","version":"1.0.0","scripts":{"test":"echo all 3 tests passed"}}\n' > "$work/package.json"
  printf 'hello\n' > "$work/notes.txt"
  marker="$runs/curl-$1-$2"; rm -f "$marker"
  out="$runs/$1-$2.out"
}

agent_env() {  # the environment every agent gets; callers add their own
  env -i PATH="$AGENTS_DIR/bin:$AGENTS_DIR/cli/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" \
    HOME="$home" TERM=dumb LANG=C.UTF-8 CURL_MARKER="$marker" NO_COLOR=1 CI=1 "$@"
}

run_claude() {  # scenario
  agent_env ANTHROPIC_BASE_URL="$TOOLWALL_URL" ANTHROPIC_API_KEY=sk-ant-not-a-real-key \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 \
    bash -c 'cd "$0" && timeout "$1" claude -p "$2" --allowedTools Bash,Write --output-format stream-json --verbose' \
    "$work" "$AGENT_TIMEOUT" "$(prompt_for "$1")"
}

# Codex: a model provider entry in ~/.codex/config.toml (what try_agents.sh recommends), with a model
# whose tools are plain function tools (exec_command). Variants: `codex-base-url` keeps the built-in
# OpenAI provider and only moves its base URL (openai_base_url); `codex-default-model` names no model,
# so Codex 0.169 picks its default, which uses code mode (see README.md).
codex_config() {  # model-or-empty style
  mkdir -p "$home/.codex"
  {
    [ -n "$1" ] && echo "model = \"$1\""
    if [ "$2" = base-url ]; then
      echo "openai_base_url = \"$TOOLWALL_URL/v1\""
    else
      echo 'model_provider = "toolwall"'
    fi
    echo 'check_for_update_on_startup = false'
    echo
    echo '[analytics]'
    echo 'enabled = false'
    if [ "$2" != base-url ]; then
      echo
      echo '[model_providers.toolwall]'
      echo 'name = "toolwall"'
      echo "base_url = \"$TOOLWALL_URL/v1\""
      echo 'env_key = "OPENAI_API_KEY"'
      echo 'wire_api = "responses"'
    fi
  } > "$home/.codex/config.toml"
  agent_env OPENAI_API_KEY=sk-not-a-real-key \
    bash -c 'cd "$0" && timeout "$1" codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox --json "$2" </dev/null' \
    "$work" "$AGENT_TIMEOUT" "$(prompt_for "$scenario")"
}
run_codex() { codex_config "${CODEX_MODEL:-gpt-5.5}" provider; }
run_codex-base-url() { codex_config "${CODEX_MODEL:-gpt-5.5}" base-url; }
run_codex-default-model() { codex_config "" provider; }

run_qwen() {  # scenario
  agent_env OPENAI_BASE_URL="$TOOLWALL_URL/v1" OPENAI_API_KEY=sk-not-a-real-key OPENAI_MODEL=qwen3-coder-plus \
    bash -c 'cd "$0" && timeout "$1" qwen -p "$2" --yolo --output-format stream-json </dev/null' \
    "$work" "$AGENT_TIMEOUT" "$(prompt_for "$1")"
}

# opencode: a provider in the project's opencode.json. `opencode` uses @ai-sdk/openai-compatible
# (chat completions); `opencode-responses` uses @ai-sdk/openai (the Responses API) and
# `opencode-anthropic` uses @ai-sdk/anthropic (Messages), other clients of the same two dialects.
opencode_config() {  # npm-package model
  cat > "$work/opencode.json" <<EOF
{
  "\$schema": "https://opencode.ai/config.json",
  "provider": {
    "toolwall": {
      "npm": "$1",
      "name": "toolwall",
      "options": { "baseURL": "$TOOLWALL_URL/v1", "apiKey": "sk-not-a-real-key" },
      "models": { "$2": { "name": "$2", "tool_call": true } }
    }
  },
  "model": "toolwall/$2",
  "small_model": "toolwall/$2",
  "autoupdate": false,
  "share": "disabled"
}
EOF
  agent_env OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_MODELS_FETCH=1 \
    bash -c 'cd "$0" && timeout "$1" opencode run --print-logs "$2" </dev/null' \
    "$work" "$AGENT_TIMEOUT" "$(prompt_for "$scenario")"
}
run_opencode() { opencode_config @ai-sdk/openai-compatible scripted-model; }
run_opencode-responses() { opencode_config @ai-sdk/openai gpt-5.5; }
run_opencode-anthropic() { opencode_config @ai-sdk/anthropic claude-sonnet-4-5; }

run_generic() {  # scenario; non-streamed completions
  agent_env OPENAI_BASE_URL="$TOOLWALL_URL/v1" OPENAI_API_KEY=sk-not-a-real-key \
    bash -c 'cd "$0" && timeout "$1" node "$2" "$3"' "$work" "$AGENT_TIMEOUT" "$here/generic_agent.mjs" "$(prompt_for "$1")"
}

run_generic-stream() {  # scenario; streamed completions
  agent_env OPENAI_BASE_URL="$TOOLWALL_URL/v1" OPENAI_API_KEY=sk-not-a-real-key \
    bash -c 'cd "$0" && timeout "$1" node "$2" --stream "$3"' "$work" "$AGENT_TIMEOUT" "$here/generic_agent.mjs" "$(prompt_for "$1")"
}

# The action toolwall logged (audit.jsonl from line $1 on) for the call running scenario $2's command.
audit_action() {  # start_line scenario
  tail -n +"$1" "$audit" | node -e '
    const needle = { exfil: "telemetry.example", block: "collector.example.net", harmless: "ls",
                     "write-ok": "hello.txt", "write-bad": "auth.py" }[process.argv[1]];
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const shown = (l) => JSON.stringify(l.arguments ?? {});
    const isLs = (l) => /"(bash -lc )?ls"/.test(shown(l)) || /"ls"\]/.test(shown(l)) ||
                        /cmd: \\"ls\\"/.test(shown(l));  // Codex code mode: tools.exec_command({ cmd: "ls" })
    const hit = lines.filter((l) => needle === "ls" ? isLs(l) : shown(l).includes(needle)).pop();
    process.stdout.write(hit ? hit.action : "");' "$2"
}

results=()
check() {  # agent scenario start_line
  local agent="$1" scenario="$2" verdict="ok" notes=() action seen
  fail() { verdict="FAIL"; notes+=("$1"); }
  expect_action() {  # call-scenario expected
    local got; got="$(audit_action "$3" "$1")"; seen+="${seen:+,}$got"
    [ "$got" = "$2" ] || fail "audit action for the $1 call '$got', expected $2"
  }
  seen=""
  [ -s "$marker" ] && fail "curl ran: $(head -1 "$marker")"
  case "$scenario" in
    exfil)
      if [ "$agent" = codex-default-model ]; then
        # Code mode: the call is JavaScript, which toolwall blocks whole rather than rewrites.
        expect_action exfil block "$3"
        grep -q '\[toolwall\] Blocked' "$out" || fail "toolwall's explanation not shown"
      else
        expect_action exfil rewrite "$3"
        grep -q 'all 3 tests passed' "$out" || fail "the rewritten npm test did not run"
      fi ;;
    block)
      expect_action block block "$3"
      grep -q '\[toolwall\] Blocked' "$out" || fail "toolwall's explanation not shown"
      grep -q 'FINAL: the tool ran' "$out" && fail "a tool result reached the model" ;;
    harmless)
      expect_action harmless allow "$3"
      grep -q 'notes.txt' "$out" || fail "ls did not run (no notes.txt in the output)" ;;
    mixed)
      expect_action block block "$3"
      expect_action harmless allow "$3"
      grep -q '\[toolwall\] Blocked' "$out" || fail "toolwall's explanation not shown"
      grep -q 'notes.txt' "$out" || fail "ls did not run (no notes.txt in the output)" ;;
    write-ok)
      expect_action write-ok allow "$3"
      grep -q 'hello from the model' "$work/hello.txt" 2>/dev/null || fail "hello.txt was not written" ;;
    write-bad)
      expect_action write-bad block "$3"
      grep -q '\[toolwall\] Blocked' "$out" || fail "toolwall's explanation not shown"
      [ -e "$work/src/auth.py" ] && fail "src/auth.py was written" ;;
  esac
  results+=("$(printf '%-19s %-9s %-6s %-14s %s' "$agent" "$scenario" "$verdict" "${seen:--}" "${notes[*]:-}")")
}

for agent in "${agents[@]}"; do
  case "$agent" in
    claude) install_cli @anthropic-ai/claude-code "$CLAUDE_VERSION" claude || continue ;;
    codex|codex-base-url|codex-default-model) install_cli @openai/codex "$CODEX_VERSION" codex || continue ;;
    qwen) install_cli @qwen-code/qwen-code "$QWEN_VERSION" qwen || continue ;;
    opencode|opencode-responses|opencode-anthropic) install_cli opencode-ai "$OPENCODE_VERSION" opencode || continue ;;
    generic|generic-stream) echo "$agent: tests/integration/agents/generic_agent.mjs (node $(node --version))" ;;
    *) echo "unknown agent $agent"; continue ;;
  esac
  for scenario in $SCENARIOS; do
    case "$agent:$scenario" in generic*:write-*) continue ;; esac  # it has only a shell tool
    fresh_dirs "$agent" "$scenario"
    start=$(( $(wc -l < "$audit") + 1 ))
    echo "--- $agent / $scenario (output: $out)"
    "run_$agent" "$scenario" > "$out" 2>&1
    echo "exit status $?" >> "$out"
    check "$agent" "$scenario" "$start"
  done
done

echo
printf '%-19s %-9s %-6s %-14s %s\n' agent scenario result toolwall notes
printf '%s\n' "${results[@]}"
echo "logs: $runs (audit.jsonl, upstream.jsonl: every request the upstream saw)"
# Exit status 1 when any run failed its checks.
! printf '%s\n' "${results[@]}" | grep -q ' FAIL '
