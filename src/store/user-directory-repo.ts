export interface KnownUser {
  userId: string;
  userName?: string;
}

/** Users seen in a tenant's turns (ids and display names only), so admins can name them in commands. */
export interface UserDirectoryRepo {
  /** Users whose id equals `query` or whose display name equals it, ignoring case. */
  find(tenantId: string, query: string): Promise<KnownUser[]>;
  remember(tenantId: string, user: KnownUser, at: Date): Promise<void>;
}
