/** Binary encoding of stored entity state (MessagePack; numbers stay IEEE doubles, integers stay exact). */
import { Packr } from 'msgpackr';
import type { StoredEntity } from '../../core/entity-batch.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

export const encodeEntity = (stored: StoredEntity): Buffer => packr.pack(stored);
export const decodeEntity = (bytes: Buffer): StoredEntity => packr.unpack(bytes) as StoredEntity;
