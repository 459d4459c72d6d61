// The Anthropic Messages dialect through `toolwall serve` (real engine, rules/default.yaml): raw HTTP
// for the exact bytes and headers, and the real `@anthropic-ai/sdk` MessageStream for what Claude
// Code's client library assembles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startUpstream, startProxy, parseSse, post, seedCommand, seedRewritten, remoteExec } from './harness.mjs';

// ---- the scripted model -------------------------------------------------------------------------

const text = (words) => ({ type: 'text', text: words });
const thinking = (thought) => ({ type: 'thinking', thinking: thought, signature: 'c2lnbmF0dXJl' });
const bash = (id, command) => ({ type: 'tool_use', id, name: 'Bash', input: { command, description: 'Run a command' } });

const scenarios = {
  allow: [thinking('The user wants tests.'), text('Running the tests.'), bash('toolu_allow', 'npm test')],
  seed: [text('I will run the tests and report.'), bash('toolu_seed', seedCommand)],
  block: [text('Installing.'), bash('toolu_block', remoteExec)],
  several: [text('Plan:'), bash('toolu_1', 'npm test'), bash('toolu_2', seedCommand), bash('toolu_3', remoteExec),
    { type: 'tool_use', id: 'toolu_4', name: 'Read', input: { file_path: '/workspace/package.json' } }],
  final: [text('All 12 tests passed.')],
};

const stopReason = (blocks) => (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');

const messageBody = (blocks) => ({ id: 'msg_dialects', type: 'message', role: 'assistant', model: 'claude-test', content: blocks,
  stop_reason: stopReason(blocks), stop_sequence: null, usage: { input_tokens: 9, output_tokens: 7 } });

function messageStream(blocks, { cut = false } = {}) {
  let out = '';
  const emit = (body) => { out += `event: ${body.type}\ndata: ${JSON.stringify(body)}\n\n`; };
  emit({ type: 'message_start', message: { ...messageBody([]), stop_reason: null, usage: { input_tokens: 9, output_tokens: 1 } } });
  emit({ type: 'ping' });
  for (const [index, block] of blocks.entries()) {
    if (block.type === 'text') {
      emit({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of block.text.match(/.{1,6}/gs)) emit({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else if (block.type === 'thinking') {
      emit({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      emit({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } });
      emit({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      emit({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      const json = JSON.stringify(block.input);
      for (let at = 0; at < json.length; at += 9) {
        emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(at, at + 9) } });
        if (cut && at > 20) return out;
      }
    }
    emit({ type: 'content_block_stop', index });
  }
  emit({ type: 'message_delta', delta: { stop_reason: stopReason(blocks), stop_sequence: null }, usage: { output_tokens: 42 } });
  emit({ type: 'message_stop' });
  return out;
}

function scenarioOf(request) {
  const last = request.json.messages.at(-1);
  if (typeof last.content === 'string') return last.content;
  if (last.content.some((block) => block.type === 'tool_result')) return 'final';
  return last.content.map((block) => block.text ?? '').join('');
}

let upstream, proxy;

before(async () => {
  upstream = await startUpstream((request) => {
    let scenario = scenarioOf(request);
    const cut = scenario === 'cut';
    if (cut) scenario = 'allow';
    const blocks = scenarios[scenario];
    if (!blocks) return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: scenario } } };
    if (request.json.stream) return { sse: messageStream(blocks, { cut }), cut };
    return { body: messageBody(blocks) };
  });
  proxy = await startProxy(upstream.port);
});

after(async () => {
  await proxy?.stop();
  upstream?.server.close();
});

const claudeHeaders = { 'x-api-key': 'sk-ant-test-not-a-real-key', 'anthropic-version': '2023-06-01',
  'anthropic-beta': 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14' };
const url = () => `${proxy.url}/v1/messages?beta=true`;
const request = (scenario, stream) => ({ model: 'claude-test', max_tokens: 1024, stream, messages: [{ role: 'user', content: scenario }] });
const client = () => new Anthropic({ baseURL: proxy.url, apiKey: 'sk-ant-test-not-a-real-key', maxRetries: 0 });

// What a strict client assembles from raw events: blocks pushed by index, input JSON joined.
function assemble(events) {
  let message = null;
  let error = null;
  const buffers = [];
  for (const { event, data } of events) {
    assert.equal(event, data.type, 'every event is named by its type');
    if (data.type === 'message_start') message = structuredClone(data.message);
    else if (data.type === 'content_block_start') {
      assert.equal(data.index, message.content.length, 'blocks arrive in index order');
      message.content.push(structuredClone(data.content_block));
      buffers[data.index] = '';
    } else if (data.type === 'content_block_delta') {
      const block = message.content[data.index];
      if (data.delta.type === 'text_delta') block.text += data.delta.text;
      else if (data.delta.type === 'input_json_delta') buffers[data.index] += data.delta.partial_json;
      else if (data.delta.type === 'thinking_delta') block.thinking += data.delta.thinking;
      else if (data.delta.type === 'signature_delta') block.signature = data.delta.signature;
    } else if (data.type === 'content_block_stop') {
      const block = message.content[data.index];
      if (block.type === 'tool_use' && buffers[data.index]) block.input = JSON.parse(buffers[data.index]);
    } else if (data.type === 'message_delta') Object.assign(message, data.delta);
    else if (data.type === 'error') error = data.error;
  }
  return { message, error };
}

const describe = (block) => block.type === 'text' ? `text: ${block.text}`
  : block.type === 'tool_use' ? `${block.name} ${JSON.stringify(block.input)}` : block.type;
const toolUses = (message) => message.content.filter((block) => block.type === 'tool_use');

// ---- raw HTTP -----------------------------------------------------------------------------------

test('Claude Code headers and the ?beta=true query reach the upstream untouched, and the call is judged', async () => {
  const res = await post(url(), request('seed', true), claudeHeaders);
  assert.equal(res.status, 200);
  assert.ok(!res.text.includes('telemetry.example/collect -d'));  // routed to the dialect despite the query
  const seen = upstream.requests.at(-1);
  assert.equal(seen.url, '/v1/messages?beta=true');
  for (const [name, value] of Object.entries(claudeHeaders)) assert.equal(seen.headers[name], value);
  const audit = await proxy.auditWhen((lines) => lines.some((l) => l.call_id === 'toolu_seed'));
  assert.ok(audit.some((l) => l.call_id === 'toolu_seed'));
  assert.ok(!JSON.stringify(audit).includes('sk-ant-test'));
});

test('streamed: an allowed Bash tool use passes intact, thinking and signature unchanged', async () => {
  const res = await post(url(), request('allow', true), claudeHeaders);
  const { message } = assemble(parseSse(res.text));
  assert.deepEqual(message.content[0], { type: 'thinking', thinking: 'The user wants tests.', signature: 'c2lnbmF0dXJl' });
  assert.deepEqual(message.content.map(describe).slice(1),
    ['text: Running the tests.', `Bash ${JSON.stringify({ command: 'npm test', description: 'Run a command' })}`]);
  assert.equal(message.stop_reason, 'tool_use');
});

test('streamed: the seed exfiltration as a Claude Code Bash tool use is rewritten, never sent intact', async () => {
  const res = await post(url(), request('seed', true), claudeHeaders);
  assert.ok(!res.text.includes('telemetry.example/collect -d'));
  const { message } = assemble(parseSse(res.text));
  assert.equal(toolUses(message)[0].input.command, seedRewritten);
  assert.equal(message.stop_reason, 'tool_use');
  const line = (await proxy.auditWhen((lines) => lines.some((l) => l.call_id === 'toolu_seed'))).find((l) => l.call_id === 'toolu_seed');
  assert.equal(line.action, 'rewrite');
  assert.equal(line.agent, 'claude-code');
});

test('streamed: a blocked tool use becomes a text block and the turn ends', async () => {
  const res = await post(url(), request('block', true), claudeHeaders);
  assert.ok(!res.text.includes('install.sh | bash'));
  const { message } = assemble(parseSse(res.text));
  assert.equal(toolUses(message).length, 0);
  assert.match(message.content[1].text, /^\[toolwall\] Blocked a `Bash` tool call/);
  assert.equal(message.stop_reason, 'end_turn');
});

test('streamed: several tool uses in one message, each judged, indexes dense', async () => {
  const res = await post(url(), request('several', true), claudeHeaders);
  const { message } = assemble(parseSse(res.text));
  const seen = message.content.map(describe);
  assert.equal(seen.length, 5);
  assert.equal(seen[0], 'text: Plan:');
  assert.match(seen[1], /^Bash .*npm test/);
  assert.equal(JSON.parse(seen[2].slice(5)).command, seedRewritten);
  assert.match(seen[3], /^text: \[toolwall\] Blocked/);
  assert.match(seen[4], /^Read /);
  assert.equal(message.stop_reason, 'tool_use');
});

test('streamed: an upstream cut mid tool use ends with an Anthropic error event, never the call', async () => {
  const res = await post(url(), request('cut', true), claudeHeaders);
  const events = parseSse(res.text);
  const { message, error } = assemble(events);
  assert.equal(events.at(-1).event, 'error');
  assert.equal(error.type, 'api_error');
  assert.equal(toolUses(message).length, 0);
  assert.match(message.content.at(-1).text, /\[toolwall\] Blocked a `Bash` tool call \(the stream ended/);
});

test('whole bodies: allow, rewrite and block, several tool uses', async () => {
  const allowed = JSON.parse((await post(url(), request('allow', false), claudeHeaders)).text);
  assert.equal(toolUses(allowed)[0].input.command, 'npm test');
  const several = JSON.parse((await post(url(), request('several', false), claudeHeaders)).text);
  const seen = several.content.map(describe);
  assert.equal(JSON.parse(seen[2].slice(5)).command, seedRewritten);
  assert.match(seen[3], /^text: \[toolwall\] Blocked/);
  const blocked = JSON.parse((await post(url(), request('block', false), claudeHeaders)).text);
  assert.equal(blocked.stop_reason, 'end_turn');
  assert.equal(toolUses(blocked).length, 0);
});

test('multi-turn: the tool result goes back upstream and the final text comes through', async () => {
  const first = assemble(parseSse((await post(url(), request('allow', true), claudeHeaders)).text)).message;
  const use = toolUses(first)[0];
  const messages = [{ role: 'user', content: 'allow' }, { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '12 passing' }] }];
  const res = await post(url(), { model: 'claude-test', max_tokens: 1024, stream: true, messages }, claudeHeaders);
  const second = assemble(parseSse(res.text)).message;
  assert.deepEqual(second.content.map(describe), ['text: All 12 tests passed.']);
  assert.equal(second.stop_reason, 'end_turn');
  assert.equal(upstream.requests.at(-1).json.messages.at(-1).content[0].tool_use_id, 'toolu_allow');
});

// ---- the @anthropic-ai/sdk client ---------------------------------------------------------------

test('Anthropic SDK messages.stream(): an allowed tool use is assembled intact', async () => {
  const stream = client().messages.stream(request('allow', true));
  const json = [];
  stream.on('inputJson', (partial) => json.push(partial));
  const final = await stream.finalMessage();
  assert.equal(final.content[0].type, 'thinking');
  assert.equal(final.content[0].signature, 'c2lnbmF0dXJl');
  assert.deepEqual(toolUses(final)[0].input, { command: 'npm test', description: 'Run a command' });
  assert.equal(final.stop_reason, 'tool_use');
  assert.ok(json.length > 0);
  const seen = upstream.requests.at(-1).headers;  // whichever auth header this SDK version sends arrives as sent
  assert.ok(seen['x-api-key'] === 'sk-ant-test-not-a-real-key' || seen.authorization === 'Bearer sk-ant-test-not-a-real-key');
  assert.ok(seen['anthropic-version']);
});

test('Anthropic SDK messages.stream(): the seed is rewritten, a remote-code call blocked and the turn ended', async () => {
  const seed = await client().messages.stream(request('seed', true)).finalMessage();
  assert.equal(toolUses(seed)[0].input.command, seedRewritten);
  assert.equal(toolUses(seed)[0].id, 'toolu_seed');

  const blocked = await client().messages.stream(request('block', true)).finalMessage();
  assert.equal(toolUses(blocked).length, 0);
  assert.equal(blocked.content[0].text, 'Installing.');
  assert.match(blocked.content[1].text, /^\[toolwall\] Blocked a `Bash` tool call/);
  assert.equal(blocked.stop_reason, 'end_turn');
  assert.equal(blocked.usage.output_tokens, 42);

  const several = await client().messages.stream(request('several', true)).finalMessage();
  assert.deepEqual(several.content.map((block) => block.type), ['text', 'tool_use', 'tool_use', 'text', 'tool_use']);
  assert.ok(!JSON.stringify(toolUses(several)).includes('telemetry'));
});

test('Anthropic SDK messages.stream(): a cut stream raises instead of returning a tool use', async () => {
  await assert.rejects(client().messages.stream(request('cut', true)).finalMessage(), /upstream|api_error/);
});

test('Anthropic SDK messages.create(): whole bodies are filtered too', async () => {
  const message = await client().messages.create(request('seed', false));
  assert.equal(toolUses(message)[0].input.command, seedRewritten);
  const blocked = await client().messages.create(request('block', false));
  assert.equal(blocked.stop_reason, 'end_turn');
});
