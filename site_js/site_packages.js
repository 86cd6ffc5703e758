// The files a memory snapshot cannot hold: site-packages (NumPy's and biasgrad's files) live in
// Emscripten's in-memory file system, outside the WebAssembly heap. The snapshot maker packs them
// into one buffer next to the heap; a restore writes them back, with no wheel to fetch or unzip.
//
// packSitePackages(FS, root) → {bytes: Uint8Array, index: [[path, size], ...]} (paths relative to root)
// unpackSitePackages(FS, root, bytes, index) writes them back, making folders as needed.

export function packSitePackages(FS, root) {
  const found = [];
  const walk = (dir, prefix) => {
    for (const name of FS.readdir(dir).sort()) {
      if (name === "." || name === "..") continue;
      const path = `${dir}/${name}`;
      const { mode } = FS.stat(path);
      if (FS.isDir(mode)) walk(path, `${prefix}${name}/`);
      else if (FS.isFile(mode)) found.push([`${prefix}${name}`, FS.readFile(path)]);
    }
  };
  walk(root, "");
  const bytes = new Uint8Array(found.reduce((sum, [, data]) => sum + data.byteLength, 0));
  let at = 0;
  for (const [, data] of found) {
    bytes.set(data, at);
    at += data.byteLength;
  }
  return { bytes, index: found.map(([path, data]) => [path, data.byteLength]) };
}

export function unpackSitePackages(FS, root, bytes, index) {
  const made = new Set();
  let at = 0;
  for (const [path, size] of index) {
    const slash = path.lastIndexOf("/");
    const folder = slash < 0 ? root : `${root}/${path.slice(0, slash)}`;
    if (!made.has(folder)) {
      FS.mkdirTree(folder);
      made.add(folder);
    }
    FS.writeFile(`${root}/${path}`, bytes.subarray(at, at + size));
    at += size;
  }
  if (at !== bytes.byteLength) throw new Error(`site-packages index covers ${at} of ${bytes.byteLength} bytes`);
}
