#!/usr/bin/env node
// The smallest generic OpenAI-compatible coding agent: it reads OPENAI_BASE_URL and OPENAI_API_KEY
// like most such agents do, offers the model one `shell` tool ({command: string}), runs every call
// the model returns with bash, sends the output back and prints the final answer. It stands in for
// the many agents built on a plain chat-completions loop (Aider, Continue, scripts on the openai SDK).
//
// usage: OPENAI_BASE_URL=http://127.0.0.1:8788/v1 OPENAI_API_KEY=... node generic_agent.mjs [--stream] PROMPT
// No dependencies beyond Node's standard library (fetch).
import { execFileSync } from 'node:child_process';

const argv = process.argv.slice(2);
const stream = argv.includes('--stream');
const prompt = argv.filter((a) => a !== '--stream').join(' ');
const baseUrl = (process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/$/, '');
const model = process.env.OPENAI_MODEL ?? 'gpt-4o';
const tools = [{
  type: 'function',
  function: { name: 'shell', description: 'Run a bash command in the project and return its output.',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
}];

// One assistant message, from a plain or a streamed completion.
async function complete(messages) {
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY ?? ''}` },
    body: JSON.stringify({ model, messages, tools, stream }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  if (!stream) return (await res.json()).choices[0].message;
  const message = { role: 'assistant', content: '', tool_calls: [] };
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += Buffer.from(chunk).toString('utf8');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
      if (!data || data === '[DONE]') continue;
      const delta = JSON.parse(data).choices?.[0]?.delta ?? {};
      if (delta.content) message.content += delta.content;
      for (const call of delta.tool_calls ?? []) {
        const slot = (message.tool_calls[call.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.function.name += call.function.name;
        if (call.function?.arguments) slot.function.arguments += call.function.arguments;
      }
    }
  }
  message.tool_calls = message.tool_calls.filter(Boolean);
  if (!message.tool_calls.length) delete message.tool_calls;
  return message;
}

const messages = [
  { role: 'system', content: 'You are a coding agent. Use the shell tool to act in the project.' },
  { role: 'user', content: prompt },
];
for (let turn = 0; turn < 8; ++turn) {
  const message = await complete(messages);
  messages.push(message);
  if (message.content) console.log(`assistant: ${message.content}`);
  if (!message.tool_calls?.length) break;
  for (const call of message.tool_calls) {
    const { command } = JSON.parse(call.function.arguments);
    console.log(`$ ${command}`);
    let output;
    try { output = execFileSync('bash', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }); }
    catch (e) { output = `${e.stdout ?? ''}${e.stderr ?? ''}exit ${e.status}`; }
    console.log(output);
    messages.push({ role: 'tool', tool_call_id: call.id, content: output });
  }
}
