import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeOfPatch, patchTypeFromContentType } from '../../../src/apiserver/patch/patch-type.js';

test('patchTypeFromContentType() maps the three patch media types', () => {
  assert.equal(patchTypeFromContentType('application/json-patch+json'), 'json');
  assert.equal(patchTypeFromContentType('application/merge-patch+json'), 'merge');
  assert.equal(patchTypeFromContentType('application/strategic-merge-patch+json'), 'strategic');
});

test('patchTypeFromContentType() ignores parameters', () => {
  assert.equal(patchTypeFromContentType('application/merge-patch+json; charset=utf-8'), 'merge');
  assert.equal(patchTypeFromContentType('application/json-patch+json;charset=UTF-8'), 'json');
});

test('patchTypeFromContentType() answers undefined for anything else', () => {
  for (const ct of ['application/json', 'application/apply-patch+yaml', '', 'application/Merge-Patch+json', 'text/plain']) {
    assert.equal(patchTypeFromContentType(ct), undefined, ct);
  }
});

test('contentTypeOfPatch() names the media type of each patch type', () => {
  assert.equal(contentTypeOfPatch('strategic'), 'application/strategic-merge-patch+json');
  assert.equal(patchTypeFromContentType(contentTypeOfPatch('json')), 'json');
  assert.throws(() => contentTypeOfPatch('apply' as never), RangeError);
});
