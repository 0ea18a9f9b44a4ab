import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
import { openUrl, type CardElement } from './adaptive-card';

/**
 * Buttons to the offer listing, the activation page or the subscription's management: all purchase or plan links,
 * so none on a phone (src/domain/client-kind.ts); the card's text then says to ask the organization's admin.
 * Their labels say that a browser opens ("… in browser"), as the Teams Store asks of buttons that leave Teams.
 */
export function purchaseActions(client: ClientKind, ...links: readonly (readonly [label: string, url: string])[]): CardElement[] {
  return showsPurchaseUi(client) ? links.map(([label, url]) => openUrl(label, url)) : [];
}
