// Renders ZPL the way label viewers built on zebrash show it: zebrash (github.com/ingridhq/zebrash)
// compiled to WebAssembly, from the npm package zpl-renderer-js (pinned in tools/js).
//
// usage: node zebrash.cjs PACKAGE_DIR DPMM WIDTH_MM HEIGHT_MM OUT_DIR < labels.zpl
//
// Every ^XA…^XZ format on stdin becomes OUT_DIR/label-001.png, label-002.png, …: one pixel a
// printer dot at DPMM dots a millimetre (8 for 203 dpi, 12 for 300), WIDTH_MM × HEIGHT_MM. The
// last line on stdout is the number of labels and zebrash's version.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [pkg, dpmm, widthMm, heightMm, outDir] = process.argv.slice(2);
  if (!outDir) {
    throw new Error("usage: node zebrash.cjs PACKAGE_DIR DPMM WIDTH_MM HEIGHT_MM OUT_DIR < labels.zpl");
  }
  const zebrash = require(path.resolve(pkg));
  const { api } = await zebrash.ready;
  const zpl = fs.readFileSync(0, "utf8");
  const pngs = await api.zplToBase64MultipleAsync(zpl, Number(widthMm), Number(heightMm), Number(dpmm));
  pngs.forEach((png, i) => {
    const name = `label-${String(i + 1).padStart(3, "0")}.png`;
    fs.writeFileSync(path.join(outDir, name), Buffer.from(png, "base64"));
  });
  console.log(`${pngs.length} labels, zebrash ${zebrash.ZEBRASH_VERSION}`);
}

main().catch((err) => {
  console.error((err && err.stack) || String(err));
  process.exit(1);
});
