/**
 * Signed, expiring media URLs that providers read parts from. Not in the API document: the URL
 * is made by the service and handed to providers, nobody calls it by hand.
 */
export const MEDIA_PATH = "/media/:token";
