/*
 * Where the Conversation Data API's entries resource lives.
 */

export const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';

/** Where sandboxes and scratch orgs may live instead (UNCONFIRMED for this API; Salesforce's agents library tries it). */
export const SANDBOX_API_URL = 'https://test.api.salesforce.com';
