export interface TenantAdmin {
  tenantId: string;
  userId: string;
  userName?: string;
  addedBy: string;
  addedAt: Date;
}

/** Each tenant's admins: the users who may run the tenant's admin commands. */
export interface AdminRepo {
  isAdmin(tenantId: string, userId: string): Promise<boolean>;
  list(tenantId: string): Promise<TenantAdmin[]>;
  /** False when the user was already an admin. */
  add(admin: TenantAdmin): Promise<boolean>;
  /** False when the user was not an admin. */
  remove(tenantId: string, userId: string): Promise<boolean>;
}
