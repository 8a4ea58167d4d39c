import { describe, expect, it } from 'vitest';
import { PACK_YAML, validateTree } from '../pack-tree.js';

const flow = (tasks: string) => ({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': `version: 1.0.0\ninput:\n  topic: { type: string }\ntasks:\n${tasks}` });

describe('the validator on core.llm tasks', () => {
  it('knows core.llm as a built-in and accepts a prompt with expressions and a response_schema', async () => {
    const diags = await validateTree(
      flow(
        '  ask:\n    action: core.llm\n    input:\n      system: You are terse.\n      prompt: "Summarise ${input.topic}"\n      temperature: 0.2\n      max_tokens: 200\n' +
          '      response_schema: { type: object, required: [summary], properties: { summary: { type: string } } }\n' +
          '  use:\n    action: core.echo\n    depends_on: [ask]\n    input: { message: "${tasks.ask.output.data.summary}" }\n',
      ),
    );
    expect(diags).toEqual([]);
  });

  it('reports a core.llm task that passes neither prompt nor messages', async () => {
    expect(await validateTree(flow('  ask: { action: core.llm, input: { system: hi } }\n'))).toMatchObject([
      { code: 'TASK_INPUT_MISSING_PARAMETER', severity: 'error', message: "task 'ask' does not pass 'prompt' or 'messages', which core.llm needs" },
    ]);
  });

  it('warns about an unknown input key with the nearest one as a hint, and refuses a literal of the wrong type', async () => {
    const diags = await validateTree(flow('  ask: { action: core.llm, input: { prompt: hi, temprature: 0.5, max_tokens: lots } }\n'));
    expect(diags.map((d) => `${d.severity} ${d.code} ${d.pointer} ${d.hint ?? ''}`)).toEqual([
      "warning TASK_INPUT_UNKNOWN_PARAMETER /tasks/ask/input/temprature did you mean 'temperature'?",
      'error TASK_INPUT_INVALID_VALUE /tasks/ask/input/max_tokens write a value of type integer, or compute it with ${...}',
    ]);
  });

  it('reports a literal message list with a role the protocol does not have', async () => {
    const diags = await validateTree(flow('  ask:\n    action: core.llm\n    input:\n      messages:\n        - { role: user, content: hi }\n        - { role: robot, content: beep }\n'));
    expect(diags).toMatchObject([
      {
        code: 'TASK_INPUT_INVALID_VALUE',
        pointer: '/tasks/ask/input/messages',
        message: "task 'ask' passes an invalid 'messages' to core.llm: messages[1].role is \"robot\"; it must be one of: system, user, assistant",
      },
    ]);
  });

  it('suggests core.llm for a misspelt built-in', async () => {
    expect(await validateTree(flow('  ask: { action: core.lml, input: { prompt: hi } }\n'))).toMatchObject([{ code: 'ACTION_UNKNOWN', hint: "did you mean 'core.llm'?" }]);
  });
});
