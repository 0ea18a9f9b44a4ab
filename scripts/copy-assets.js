// Copies what the compiled app reads at run time next to it: the SQL migrations of both stores. (Prompts stay in ./prompts.)
const fs = require('node:fs');
for (const dir of ['src/store/sqlite/migrations', 'src/store/mssql/migrations']) {
  if (fs.existsSync(dir)) fs.cpSync(dir, `dist/${dir}`, { recursive: true });
}
