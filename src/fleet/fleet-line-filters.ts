/**
 * Conditions on fleet_job_lines for statements about some rows of a job (a chunk's): the rows are
 * found by the primary key (job_id, row_no), and their state is checked on the rows found.
 *
 * `stateIn` is `(state = ANY(states)) IS TRUE`, which the planner cannot answer from the
 * (job_id, state) index. A job's statistics are taken while its lines are 'ready' (the dry run), so
 * with a plain `state IN ('queued', 'executing')` the planner guessed one queued line, took that
 * index and scanned every queued line of the job for each chunk, filtering the chunk's row numbers:
 * 35 ms a statement at 100,000 lines, three statements a chunk, the chunk's cost growing with the
 * job. Statements over the whole job by state (counts, "none left") use the index as before.
 */
import { sql } from 'kysely';
import type { FleetLineState } from '../db/schema.ts';

export const stateIn = (column: 'state' | 'f.state', states: readonly FleetLineState[]) =>
  sql<boolean>`(${sql.ref(column)} = ANY(${[...states]}::text[])) IS TRUE`;

export const rowIn = (column: 'row_no' | 'f.row_no', rowNos: readonly number[]) => sql<boolean>`${sql.ref(column)} = ANY(${[...rowNos]}::integer[])`;
