#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Peer runner: executes an ONNX model in ONNX Runtime (CPU, all graph
// optimisations) with inputs and outputs as NumPy .npy files, the same file
// convention as `vigil run`, so that tests/models/compare_with_ort.py can
// compare the two engines output by output.
//
//   node bench/ort_run.js MODEL.onnx --input NAME=FILE.npy ... --output DIR
//                         [--threads N] [--repeat N] [--optimization LEVEL]
//   node bench/ort_run.js MODEL.onnx --input NAME=FILE.npy ... --serve [--threads N]
//
// Each output is written to DIR/<name>.npy, with '/' and ':' in the name
// replaced by '_' (as vigil does). --repeat N times N further runs after the
// first and prints a JSON line with the timings in milliseconds.
// --optimization (disabled, basic, extended, all; default all) sets ONNX
// Runtime's graph optimisation level; `disabled` gives a second, unfused
// reference used by the comparison harness's self-check.
// --serve is the timing peer of `vigil bench --peer ort`: it loads the model and
// the inputs once, prints "ready", then answers each line "run N" on stdin with
// one JSON line {"times_ms": [...]} of N timed runs, until stdin closes.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const ort = require('onnxruntime-node');

// .npy descr (without byte-order mark) <-> ONNX Runtime tensor type and the
// typed array holding its elements.
const DTYPES = [
  { descr: 'f4', type: 'float32', array: Float32Array },
  { descr: 'f8', type: 'float64', array: Float64Array },
  { descr: 'f2', type: 'float16', array: Uint16Array },
  { descr: 'i1', type: 'int8', array: Int8Array },
  { descr: 'i2', type: 'int16', array: Int16Array },
  { descr: 'i4', type: 'int32', array: Int32Array },
  { descr: 'i8', type: 'int64', array: BigInt64Array },
  { descr: 'u1', type: 'uint8', array: Uint8Array },
  { descr: 'u2', type: 'uint16', array: Uint16Array },
  { descr: 'u4', type: 'uint32', array: Uint32Array },
  { descr: 'u8', type: 'uint64', array: BigUint64Array },
  { descr: 'b1', type: 'bool', array: Uint8Array },
];

const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'];
const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);  // "\x93NUMPY"

function fail(message) {
  process.stderr.write(`ort_run: ${message}\n`);
  process.exit(2);
}

function headerField(header, key, file) {
  const match = header.match(new RegExp(`'${key}'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))`));
  if (!match) fail(`${file}: .npy header has no '${key}'`);
  return match[1];
}

function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(NPY_MAGIC)) fail(`${file}: not a .npy file`);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`${file}: unsupported .npy version ${major}`);
  const lengthSize = major === 1 ? 2 : 4;
  const headerLength = lengthSize === 2 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = 8 + lengthSize + headerLength;
  if (dataStart > bytes.length) fail(`${file}: truncated .npy header`);
  const header = bytes.toString(major === 3 ? 'utf8' : 'latin1', 8 + lengthSize, dataStart);

  const descr = headerField(header, 'descr', file).slice(1, -1);
  if (headerField(header, 'fortran_order', file) !== 'False') fail(`${file}: Fortran order is not supported`);
  const shapeText = headerField(header, 'shape', file).slice(1, -1);
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`${file}: bad shape (${shapeText})`);

  const order = descr[0];
  const dtype = DTYPES.find((d) => d.descr === descr.slice(1));
  if (!dtype || order === '>' || (order === '|' && dtype.array.BYTES_PER_ELEMENT > 1)) {
    fail(`${file}: unsupported dtype '${descr}'`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const byteLength = count * dtype.array.BYTES_PER_ELEMENT;
  if (bytes.length - dataStart < byteLength) fail(`${file}: data shorter than its shape`);
  // Copy into a fresh, aligned buffer: typed arrays need element alignment.
  const data = new dtype.array(count);
  Buffer.from(data.buffer).set(bytes.subarray(dataStart, dataStart + byteLength));
  return new ort.Tensor(dtype.type, data, dims);
}

function writeNpy(file, tensor) {
  const dtype = DTYPES.find((d) => d.type === tensor.type);
  if (!dtype) fail(`output type '${tensor.type}' cannot be written as .npy`);
  const order = dtype.array.BYTES_PER_ELEMENT === 1 ? '|' : '<';
  const dims = tensor.dims.map(Number);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${order}${dtype.descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  NPY_MAGIC.copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  const payload = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([prefix, Buffer.from(header, 'latin1'), payload]));
  fs.renameSync(tmp, file);
}

function outputFileName(name) {
  return name.replace(/[/:]/g, '_') + '.npy';
}

function parseArgs(argv) {
  const args = { model: null, inputs: [], output: null, threads: 0, repeat: 0, optimization: 'all', serve: false };
  const value = (i) => {
    if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--input') {
      const spec = value(i++);
      const eq = spec.indexOf('=');
      if (eq <= 0) fail(`--input expects NAME=FILE, got '${spec}'`);
      args.inputs.push({ name: spec.slice(0, eq), file: spec.slice(eq + 1) });
    } else if (arg === '--serve') {
      args.serve = true;
    } else if (arg === '--output') {
      args.output = value(i++);
    } else if (arg === '--optimization') {
      args.optimization = value(i++);
      if (!OPTIMIZATION_LEVELS.includes(args.optimization)) {
        fail(`--optimization expects one of ${OPTIMIZATION_LEVELS.join(', ')}`);
      }
    } else if (arg === '--threads' || arg === '--repeat') {
      const n = Number(value(i++));
      if (!Number.isInteger(n) || n < 0) fail(`${arg} expects a non-negative integer`);
      args[arg.slice(2)] = n;
    } else if (arg.startsWith('--')) {
      fail(`unknown option ${arg}`);
    } else if (args.model === null) {
      args.model = arg;
    } else {
      fail(`unexpected argument '${arg}'`);
    }
  }
  if (args.model === null) {
    fail('usage: node ort_run.js MODEL.onnx --input NAME=FILE.npy ... --output DIR '
      + '[--threads N] [--repeat N] [--optimization LEVEL] [--serve]');
  }
  return args;
}

async function timeRuns(session, feeds, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

// The request loop of --serve: one request at a time, answered before the next is read.
async function serve(session, feeds) {
  console.log('ready');
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const match = line.trim().match(/^run (\d+)$/);
    if (!match) fail(`--serve: expected a line 'run N', got '${line.trim()}'`);
    const times = await timeRuns(session, feeds, Number(match[1]));
    console.log(JSON.stringify({ times_ms: times }));
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const options = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: args.optimization,
    executionMode: 'sequential',
    interOpNumThreads: 1,
  };
  if (args.threads > 0) options.intraOpNumThreads = args.threads;
  const session = await ort.InferenceSession.create(args.model, options);

  const feeds = {};
  for (const { name, file } of args.inputs) {
    if (!session.inputNames.includes(name)) {
      fail(`model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    }
    feeds[name] = readNpy(file);
  }
  const missing = session.inputNames.filter((name) => !(name in feeds));
  if (missing.length > 0) fail(`no --input given for ${missing.join(', ')}`);

  if (args.serve) {
    await serve(session, feeds);
    return;
  }

  const results = await session.run(feeds);
  if (args.output !== null) {
    fs.mkdirSync(args.output, { recursive: true });
    for (const name of session.outputNames) {
      writeNpy(path.join(args.output, outputFileName(name)), results[name]);
    }
  }

  if (args.repeat > 0) {
    const times = await timeRuns(session, feeds, args.repeat);
    const sorted = [...times].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    console.log(JSON.stringify({ model: args.model, runs: times.length, median_ms: median,
      min_ms: sorted[0], times_ms: times }));
  }
}

main().catch((error) => fail(error.message || String(error)));
