#!/usr/bin/env node
// Development entry point: commands load from src/ through tsx, which oclif registers itself.
// The manifest is ignored here, so a manifest left by a build can never make src/ edits invisible.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url, loadOptions: { root: import.meta.dirname + '/..', ignoreManifest: true } });
