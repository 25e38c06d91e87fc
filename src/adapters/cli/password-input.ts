import type { Readable, Writable } from 'node:stream';

/**
 * Reads a password without it ever being an argument: from a terminal with echo off after `prompt`,
 * or, when stdin is a pipe or file, its whole content minus one trailing newline.
 */
export const readPassword = (stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }, stderr: Writable, prompt: string): Promise<string> =>
  stdin.isTTY === true && typeof stdin.setRawMode === 'function' ? readFromTerminal(stdin as Readable & { setRawMode: (raw: boolean) => unknown }, stderr, prompt) : readAll(stdin);

const readAll = async (stdin: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
};

const readFromTerminal = (stdin: Readable & { setRawMode: (raw: boolean) => unknown }, stderr: Writable, prompt: string): Promise<string> =>
  new Promise((resolve, reject) => {
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const finish = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err === null) resolve(text);
      else reject(err);
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
