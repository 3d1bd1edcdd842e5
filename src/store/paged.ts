// Reads a large result in pages by id: a relation loaded with `include` for
// tens of thousands of rows becomes one IN list per relation, which overflows
// SQLite's variable limit ("too many SQL variables") and holds everything at once.
export const PAGE_SIZE = 2_000;

export async function readPaged<T extends { id: number }>(page: (afterId: number, take: number) => Promise<T[]>, size = PAGE_SIZE): Promise<T[]> {
  const all: T[] = [];
  for (let afterId = 0; ; ) {
    const rows = await page(afterId, size);
    all.push(...rows);
    if (rows.length < size) return all;
    afterId = rows.at(-1)!.id;
  }
}
