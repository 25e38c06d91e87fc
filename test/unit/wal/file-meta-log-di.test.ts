import { Container } from 'inversify';
import { CrashFileSystem } from '../../fakes/crash-file-system';
import { FILE_META_LOG_OPTIONS, FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../../src/adapters/wal/node-file-system';
import { FILE_SYSTEM } from '../../../src/ports/file-system';
import type { MetaEvent } from '../../../src/domain/meta-event';
import type { MetaLog } from '../../../src/ports/meta-log';
import { TYPES } from '../../../src/ports/symbols';

describe('FileMetaLog wiring', () => {
  test('resolves from an inversify container with the FileSystem port and its options bound', async () => {
    const c = new Container();
    c.bind(FILE_SYSTEM).toConstantValue(new CrashFileSystem());
    c.bind(FILE_META_LOG_OPTIONS).toConstantValue({ dir: '/d' });
    c.bind<MetaLog>(TYPES.MetaLog).to(FileMetaLog).inSingletonScope();
    const log = c.get<MetaLog>(TYPES.MetaLog);
    expect(await log.replay(0, () => undefined)).toBe(0);
    expect(await log.append([{ type: 'GroupDeleted', groupId: 'g' } as MetaEvent])).toBe(0);
    await log.close();
  });

  test('NodeFileSystem resolves from a container with its default options', () => {
    const c = new Container();
    c.bind(FILE_SYSTEM).to(NodeFileSystem);
    expect(c.get(FILE_SYSTEM)).toBeInstanceOf(NodeFileSystem);
  });

  test('an unknown fsync policy is a configuration error at construction', () => {
    expect(() => new FileMetaLog(new CrashFileSystem(), { dir: '/d', fsync: 'sometimes' })).toThrow('invalid MetaLog fsync policy');
  });
});
