// The floor every sf command pays: a process that only imports sf-plugins-core and core.
await import('@salesforce/sf-plugins-core');
await import('@salesforce/core');
