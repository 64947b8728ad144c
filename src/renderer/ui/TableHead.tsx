/**
 * A column of a data table: `numeric` right-aligns the heading with its figures (.num), `hidden`
 * keeps the heading for screen readers only (a column of buttons).
 */
export type Column = { label: string; numeric?: boolean; hidden?: boolean };

/** The header row of a data table. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
            {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
