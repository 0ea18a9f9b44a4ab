import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '../src/config';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

interface Task {
  label: string;
  command: string;
  isBackground?: boolean;
}

/** F5 in VS Code, as Teams developers know it from the Toolkit's templates: the bot under tsx and the Playground. */
describe('VS Code launch configuration', () => {
  const launch = read('.vscode/launch.json') as { configurations: Record<string, unknown>[] };
  const tasks = read('.vscode/tasks.json') as { tasks: Task[]; inputs: { id: string }[] };
  const task = (label: unknown) => tasks.tasks.find((t) => t.label === label);

  it('F5 (the first configuration) starts the bot with tsx after starting the Agents Playground', () => {
    const f5 = launch.configurations[0]!;
    expect(f5).toMatchObject({ type: 'node', request: 'launch', runtimeArgs: ['--import', 'tsx'] });
    expect(f5.program).toBe('${workspaceFolder}/src/index.ts');
    const playground = task(f5.preLaunchTask)!;
    expect(playground.isBackground).toBe(true);
    expect(playground.command).toContain(
      `@microsoft/m365agentsplayground -e http://127.0.0.1:${DEFAULT_PORT}/api/messages -c msteams`,
    );
    // Stopping the debug session stops the Playground too.
    const stop = task(f5.postDebugTask)!;
    const input = /\$\{input:([^}]+)\}/.exec(stop.command)![1];
    expect(tasks.inputs.map((i) => i.id)).toContain(input);
  });

  it('is committed: .gitignore does not ignore it', () => {
    for (const file of ['.vscode/launch.json', '.vscode/tasks.json']) {
      // check-ignore: 0 = ignored, 1 = not ignored.
      expect(spawnSync('git', ['check-ignore', '-q', file], { cwd: ROOT }).status, file).toBe(1);
    }
  });
});
