#!/usr/bin/env node
// An out-of-tree provisioner for `wharf provisioner --driver`: each volume is a directory
// <root>/<pv name> on this machine, where `root` is a parameter of the StorageClass.
//
//   wharf provisioner --name example.com/hostdir --driver examples/provisioners/hostdir-driver.mjs
//
// The contract (docs/provisioners.md): called as `DRIVER provision|delete|expand <json>`, it prints one
// JSON answer {"status":"Success|Failure|Not supported","message":...} on stdout.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

function answer(obj, code = 0) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
  process.exit(code);
}

const [verb, json] = process.argv.slice(2);
let request;
try {
  request = JSON.parse(json ?? '');
} catch {
  answer({ status: 'Failure', message: `usage: hostdir-driver provision|delete|expand <json>` }, 1);
}

/** Only ever a directory named after the PV, directly under an absolute root. */
function volumeDir(root, pvName) {
  if (typeof root !== 'string' || !path.isAbsolute(root)) return undefined;
  if (!/^pvc-[0-9a-f-]+$/.test(pvName ?? '')) return undefined;
  return path.join(root, pvName);
}

switch (verb) {
  case 'provision': {
    const { parameters = {}, pvName, selectedNode, capacity } = request;
    const dir = volumeDir(parameters.root, pvName);
    if (!dir) answer({ status: 'Failure', message: 'the StorageClass needs parameter "root", an absolute directory' });
    if (parameters.refuseNode && parameters.refuseNode === selectedNode) {
      answer({ status: 'Not supported', message: `node ${selectedNode} is refused by this class` });
    }
    try {
      mkdirSync(dir, { recursive: true, mode: 0o777 });
    } catch (e) {
      answer({ status: 'Failure', message: `mkdir ${dir}: ${e.message}` });
    }
    const volume = { hostPath: { path: dir, type: 'Directory' }, capacity };
    if (selectedNode) {
      volume.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [selectedNode] }] }] } };
    }
    answer({ status: 'Success', message: `made ${dir}`, volume });
    break;
  }
  case 'delete': {
    const made = request.pv?.spec?.hostPath?.path;
    // An interrupted attempt has no PV source yet: the class parameters still name the root.
    const dir = made ?? volumeDir(request.parameters?.root, request.pvName);
    if (!dir) answer({ status: 'Success', message: 'nothing to remove' });
    if (path.basename(dir) !== request.pvName) answer({ status: 'Failure', message: `refusing to remove ${dir}: not this volume's directory` });
    rmSync(dir, { recursive: true, force: true });
    answer({ status: 'Success', message: `removed ${dir}` });
    break;
  }
  case 'expand': {
    // A directory has no size of its own: accept, nothing to grow on the node either.
    const dir = request.pv?.spec?.hostPath?.path;
    try {
      statSync(dir);
    } catch {
      answer({ status: 'Failure', message: `volume directory ${dir} is missing` });
    }
    answer({ status: 'Success', capacity: request.capacity, nodeExpansionRequired: false });
    break;
  }
  default:
    answer({ status: 'Not supported', message: `unknown call "${verb}"` });
}
