import type { PlanRepo } from '../plan-repo';
import { planDefinition } from '../row-mapping';
import { param, type MssqlDatabase } from './mssql-database';

export function mssqlPlans(db: MssqlDatabase): PlanRepo {
  const s = db.s;
  const upsert = `MERGE ${s}.plans WITH (HOLDLOCK) AS t
    USING (SELECT @plan_id AS plan_id) AS src ON t.plan_id = src.plan_id
    WHEN MATCHED THEN UPDATE SET display_name = @display_name, description = @description,
      is_price_per_seat = @is_price_per_seat, min_seats = @min_seats, max_seats = @max_seats, base_price = @base_price,
      currency = @currency, definition = @definition, is_active = 1, updated_at = @updated_at
    WHEN NOT MATCHED THEN INSERT (plan_id, display_name, description, is_price_per_seat, min_seats, max_seats,
      base_price, currency, definition, is_active, updated_at)
    VALUES (@plan_id, @display_name, @description, @is_price_per_seat, @min_seats, @max_seats, @base_price, @currency,
      @definition, 1, @updated_at);`;
  return {
    async sync(plans, at) {
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE ${s}.plans SET is_active = 0`);
        for (const p of plans) {
          await tx.query(upsert, {
            plan_id: param.text(p.id),
            display_name: param.text(p.displayName),
            description: param.longText(p.description),
            is_price_per_seat: param.bit(p.isPricePerSeat),
            min_seats: param.int(p.minSeats),
            max_seats: param.int(p.maxSeats),
            base_price: param.money(p.basePrice),
            currency: param.text(p.currency),
            definition: param.longText(planDefinition(p)),
            updated_at: param.time(at),
          });
        }
      });
    },
  };
}
