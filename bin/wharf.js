#!/usr/bin/env -S node --max-semi-space-size=64
// The young generation at four times V8's default (64 MiB semi-spaces): the API server's requests and
// watch events make objects that die young, and at 150,000 pods the default size had it scavenging every
// few dozen milliseconds, a fifth of its time. Benchmarks read these flags from this line (bench/lib/wharf-command.ts).
import '../dist/src/cli/main.js';
