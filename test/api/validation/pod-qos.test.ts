import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podQOSClass } from '../../../src/api/validation/pod-qos.js';

const c = (resources: unknown) => ({ name: 'a', image: 'x', resources });

test('podQOSClass() is BestEffort without cpu or memory', () => {
  assert.equal(podQOSClass({ containers: [c({})] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [c({ requests: { 'example.com/gpu': '1' } })] }), 'BestEffort');
});

test('podQOSClass() is Guaranteed when limits equal requests for cpu and memory', () => {
  assert.equal(podQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } })] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [c({ requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } })] }), 'Guaranteed');
});

test('podQOSClass() is Burstable otherwise', () => {
  assert.equal(podQOSClass({ containers: [c({ requests: { cpu: '100m' } })] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [c({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } }), c({})] }), 'Burstable');
});
