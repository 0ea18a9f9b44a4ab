// Copies what the compiled app reads at run time next to it: the SQL migrations. (Prompts stay in ./prompts.)
const fs = require('node:fs');
for (const dir of ['src/store/sqlite/migrations']) {
  if (fs.existsSync(dir)) fs.cpSync(dir, `dist/${dir}`, { recursive: true });
}
