import * as fs from 'fs/promises';

/** fsync of a directory: makes the creation, rename or removal of its entries durable. */
export const fsyncDir = async (dir: string): Promise<void> => {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
};
