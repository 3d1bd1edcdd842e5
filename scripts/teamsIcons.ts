// Draws the Teams app icons (manifest/teams/color.png 192×192, outline.png
// 32×32 white on transparent) as PNGs with node:zlib, so they need no image
// tool: `npx tsx scripts/teamsIcons.ts`. The motif: three linked circles,
// departments coordinated through one hub.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";

export type Rgba = [number, number, number, number];

/** A PNG (8-bit RGBA, no interlace) of `size`×`size` pixels coloured by `pixel(x, y)`. */
export function encodePng(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Coverage (0..1) of the motif at (x, y) in a unit square, with 4×4 supersampling for smooth edges. */
function motif(x: number, y: number, size: number, stroke: number): number {
  const circles = [
    [0.5, 0.3],
    [0.28, 0.68],
    [0.72, 0.68],
  ];
  const r = 0.14;
  const inside = (px: number, py: number) => {
    const ring = circles.some(([cx, cy]) => Math.abs(Math.hypot(px - cx, py - cy) - r) < stroke / 2);
    // Links between the circles' edges.
    const link = circles.some(([ax, ay], i) => {
      const [bx, by] = circles[(i + 1) % circles.length];
      const len = Math.hypot(bx - ax, by - ay);
      const t = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / (len * len);
      if (t * len < r || (1 - t) * len < r) return false;
      const dist = Math.abs((px - ax) * (by - ay) - (py - ay) * (bx - ax)) / len;
      return dist < stroke / 2;
    });
    return ring || link;
  };
  let hits = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside((x + (i + 0.5) / 4) / size, (y + (j + 0.5) / 4) / size)) hits++;
  return hits / 16;
}

const ACCENT: Rgba = [0, 102, 179, 255]; // #0066B3, the manifest's accentColor

export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, (x, y) => {
    const a = motif(x, y, size, 0.055);
    const mix = (c: number) => Math.round(c * (1 - a) + 255 * a);
    return [mix(ACCENT[0]), mix(ACCENT[1]), mix(ACCENT[2]), 255];
  });
}

/** Teams requires the outline icon to be white on a transparent background. */
export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, (x, y) => [255, 255, 255, Math.round(255 * motif(x, y, size, 0.09))]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(import.meta.dirname, "../manifest/teams");
  writeFileSync(path.join(dir, "color.png"), colorIcon());
  writeFileSync(path.join(dir, "outline.png"), outlineIcon());
  console.log(`wrote ${dir}/color.png and outline.png`);
}
