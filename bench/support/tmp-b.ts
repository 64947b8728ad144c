import { postgresRows } from '/work/wt-pg/bench/support/shared-store-bench';
console.table(await postgresRows({ 'cluster-streams': process.argv[2] ?? '100', 'cluster-seconds': '10' }));
