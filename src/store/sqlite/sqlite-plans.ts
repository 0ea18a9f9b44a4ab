import type Database from 'better-sqlite3';
import type { PlanRepo } from '../plan-repo';
import { planDefinition } from '../row-mapping';

export function sqlitePlans(db: Database.Database): PlanRepo {
  const upsert = db.prepare(`
    INSERT INTO plans (plan_id, display_name, description, is_price_per_seat, min_seats, max_seats, base_price,
      currency, definition, is_active, updated_at)
    VALUES (@plan_id, @display_name, @description, @is_price_per_seat, @min_seats, @max_seats, @base_price,
      @currency, @definition, 1, @updated_at)
    ON CONFLICT (plan_id) DO UPDATE SET display_name = excluded.display_name, description = excluded.description,
      is_price_per_seat = excluded.is_price_per_seat, min_seats = excluded.min_seats, max_seats = excluded.max_seats,
      base_price = excluded.base_price, currency = excluded.currency, definition = excluded.definition,
      is_active = 1, updated_at = excluded.updated_at`);
  const deactivateAll = db.prepare('UPDATE plans SET is_active = 0');
  return {
    async sync(plans, at) {
      db.transaction(() => {
        deactivateAll.run();
        for (const p of plans) {
          upsert.run({
            plan_id: p.id,
            display_name: p.displayName,
            description: p.description,
            is_price_per_seat: p.isPricePerSeat ? 1 : 0,
            min_seats: p.minSeats ?? null,
            max_seats: p.maxSeats ?? null,
            base_price: p.basePrice,
            currency: p.currency,
            definition: planDefinition(p),
            updated_at: at.getTime(),
          });
        }
      }).immediate();
    },
  };
}
