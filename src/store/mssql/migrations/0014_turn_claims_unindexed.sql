-- turn_claims holds only the turns in flight: a claim is inserted before the AI call and deleted when its usage is
-- recorded. Its created_at index was written twice per turn (in the claim's commit and in the settlement's) for the
-- stale sweep alone, which now scans the few rows in flight instead.
DROP INDEX IF EXISTS ix_turn_claims_created ON $(schema).turn_claims;
GO
