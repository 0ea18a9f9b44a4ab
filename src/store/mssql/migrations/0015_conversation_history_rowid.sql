-- The embedded store's 0015 makes conversation_history a rowid table so that a history of a few exchanges stays in
-- its leaf page instead of spilling to an overflow page at every save. SQL Server keeps an nvarchar(max) value of up
-- to 8,000 bytes in the row already (its default); this makes that explicit, so that a database whose default was
-- changed does not move every history save out of the row.
EXEC sp_tableoption N'$(schema).conversation_history', 'large value types out of row', 0;
GO
