/**
 * Draws the Teams app icons into appPackage/: `color.png` (192×192, a brand-coloured rounded square with a white
 * chat bubble holding a spark) and `outline.png` (32×32, the same bubble in white on transparent).
 *
 *   npx tsx scripts/make-icons.ts
 *
 * Deterministic: the shapes are sampled on a fixed 8×8 grid per pixel using only +, −, ×, ÷ and sqrt (exact in
 * IEEE 754), so the same pixels come out on every machine. The PNG encoder is the minimum the format needs
 * (signature, IHDR, one IDAT, IEND, CRC-32) over Node's zlib, so no image package is needed.
 */
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

/** #4F46E5, the manifest's accentColor. */
const BRAND: Rgb = [0x4f, 0x46, 0xe5];
const WHITE: Rgb = [255, 255, 255];
const SUPERSAMPLING = 8;

type Rgb = [number, number, number];
/** A shape test in the glyph's own unit square: (0,0) top left, (1,1) bottom right. */
type Shape = (x: number, y: number) => boolean;

// ------------------------------------------------------------------ shapes

function roundedRect(cx: number, cy: number, halfW: number, halfH: number, radius: number): Shape {
  return (x, y) => {
    const qx = Math.abs(x - cx) - (halfW - radius);
    const qy = Math.abs(y - cy) - (halfH - radius);
    if (qx <= 0 || qy <= 0) return qx <= radius && qy <= radius;
    return qx * qx + qy * qy <= radius * radius;
  };
}

function triangle(a: [number, number], b: [number, number], c: [number, number]): Shape {
  const side = (p: [number, number], q: [number, number], x: number, y: number) =>
    (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const d1 = side(a, b, x, y);
    const d2 = side(b, c, x, y);
    const d3 = side(c, a, x, y);
    return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
  };
}

/** A four-pointed spark: the astroid-like curve √|dx| + √|dy| ≤ √r. */
function spark(cx: number, cy: number, r: number): Shape {
  const limit = Math.sqrt(r);
  return (x, y) => Math.sqrt(Math.abs(x - cx)) + Math.sqrt(Math.abs(y - cy)) <= limit;
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));

/**
 * The glyph, in its own unit square: a speech bubble with a tail at the lower left, a spark cut out of it, and a
 * second, small spark where there are enough pixels to draw one (not at 32×32, where it would be a smudge).
 */
const bubble = union(roundedRect(0.5, 0.43, 0.46, 0.35, 0.16), triangle([0.18, 0.66], [0.42, 0.74], [0.1, 0.96]));
function glyph(withSmallSpark: boolean): Shape {
  const cutOut = withSmallSpark ? union(spark(0.5, 0.43, 0.25), spark(0.73, 0.24, 0.07)) : spark(0.5, 0.43, 0.25);
  return (x, y) => bubble(x, y) && !cutOut(x, y);
}

// ------------------------------------------------------------------ rasterising

/** RGBA pixels, row by row. */
interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A layer: a shape in image coordinates (0..1) and its colour. Later layers paint over earlier ones. */
interface Layer {
  shape: Shape;
  color: Rgb;
}

/** Places the glyph's unit square at (left, top) with the given size, in image coordinates. */
function placed(shape: Shape, left: number, top: number, size: number): Shape {
  return (x, y) => {
    const u = (x - left) / size;
    const v = (y - top) / size;
    return u >= 0 && u <= 1 && v >= 0 && v <= 1 && shape(u, v);
  };
}

function render(size: number, layers: Layer[]): Image {
  const rgba = new Uint8Array(size * size * 4);
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Coverage of each layer at this pixel, then "over" compositing from the bottom layer up.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        let hits = 0;
        for (let sy = 0; sy < SUPERSAMPLING; sy++) {
          for (let sx = 0; sx < SUPERSAMPLING; sx++) {
            const x = (px + (sx + 0.5) / SUPERSAMPLING) / size;
            const y = (py + (sy + 0.5) / SUPERSAMPLING) / size;
            if (layer.shape(x, y)) hits++;
          }
        }
        const coverage = hits / samples;
        const outA = coverage + a * (1 - coverage);
        if (outA > 0) {
          r = (layer.color[0] * coverage + r * a * (1 - coverage)) / outA;
          g = (layer.color[1] * coverage + g * a * (1 - coverage)) / outA;
          b = (layer.color[2] * coverage + b * a * (1 - coverage)) / outA;
        }
        a = outA;
      }
      const i = (py * size + px) * 4;
      rgba[i] = Math.round(r);
      rgba[i + 1] = Math.round(g);
      rgba[i + 2] = Math.round(b);
      rgba[i + 3] = Math.round(a * 255);
    }
  }
  return { width: size, height: size, rgba };
}

/** 192×192: the glyph in white on a brand-coloured rounded square that fills the canvas. */
export function colorIcon(): Image {
  return render(192, [
    { shape: roundedRect(0.5, 0.5, 0.5, 0.5, 0.22), color: BRAND },
    { shape: placed(glyph(true), 0.2, 0.22, 0.6), color: WHITE },
  ]);
}

/**
 * 32×32: the glyph alone, white on transparent, as Teams requires of the outline icon. Every pixel is white with
 * some alpha (0 outside the glyph, partial on its anti-aliased edges).
 */
export function outlineIcon(): Image {
  const image = render(32, [{ shape: placed(glyph(false), 0.03, 0.05, 0.94), color: WHITE }]);
  for (let i = 0; i < image.rgba.length; i += 4) image.rgba.set(WHITE, i);
  return image;
}

// ------------------------------------------------------------------ PNG encoding

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  // `& 0xff` keeps the index within the table's 256 entries.
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

/** 8-bit RGBA (colour type 6), no interlacing, filter "None" on every row. */
export function encodePng(image: Image): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(image.rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

// ------------------------------------------------------------------ main

/** The project root (holds package.json), from scripts/ under tsx or dist/scripts/ when compiled. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

function main(): void {
  const outDir = path.join(projectRoot(), 'appPackage');
  for (const [file, image] of [
    ['color.png', colorIcon()],
    ['outline.png', outlineIcon()],
  ] as const) {
    const target = path.join(outDir, file);
    writeFileSync(target, encodePng(image));
    console.log(`${path.relative(process.cwd(), target)}: ${image.width}×${image.height}`);
  }
}

if (require.main === module) main();
