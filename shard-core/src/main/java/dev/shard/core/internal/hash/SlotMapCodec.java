package dev.shard.core.internal.hash;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The stored form of a {@link SlotMap}, one line of text: {@code slotmap/1 <crc32> <base64>}.
 *
 * <p>Why not slot ranges as text: a consistent-hash map changes owner at nearly every slot (rendezvous places each
 * slot independently), so its ranges are about as many as its 2^18 slots, over a megabyte of text. Instead the
 * owner of each slot is packed in as few bits as the data source count needs (2 bits for 3 or 4: 64 KiB), and the
 * whole is deflated at the fastest level, which still folds the long runs of a pinned map of a few ranges into a
 * few hundred bytes (the best level took seconds over a consistent map and gained little). The data source names
 * come first, in the map's order. The CRC32 is of those bytes before compression,
 * so any damage to the row, or a row written by something else, is reported as such rather than routed by.
 */
public final class SlotMapCodec {

    /** The format this class writes; a stored map of another format is refused by name. */
    public static final String FORMAT = "slotmap/1";

    private SlotMapCodec() {
    }

    public static String encode(SlotMap map) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(SlotMap.SLOT_COUNT * 2 + 256);
        try (DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(map.shards().size());
            for (String name : map.shards()) {
                out.writeUTF(name);
            }
            int bits = bitsPerOwner(map.shards().size());
            out.writeByte(bits);
            byte[] packed = new byte[SlotMap.SLOT_COUNT * bits / 8];
            for (int slot = 0; slot < SlotMap.SLOT_COUNT; slot++) {
                int owner = map.shardIndexOfSlot(slot);
                for (int bit = 0; bit < bits; bit++) {
                    if ((owner >>> bit & 1) != 0) {
                        int at = slot * bits + bit;
                        packed[at >>> 3] |= (byte) (1 << (at & 7));
                    }
                }
            }
            out.write(packed);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        byte[] bytes = raw.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ByteArrayOutputStream packed = new ByteArrayOutputStream(bytes.length / 4);
        try (DeflaterOutputStream out = new DeflaterOutputStream(packed, new Deflater(Deflater.BEST_SPEED))) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return FORMAT + " " + String.format("%08x", crc.getValue()) + " "
                + Base64.getEncoder().encodeToString(packed.toByteArray());
    }

    /**
     * @throws IllegalArgumentException saying what is wrong: another format, a checksum that does not match, a
     *                                  truncated or undecodable body, an owner that is no data source
     */
    public static SlotMap decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("the stored slot map is NULL");
        }
        String[] parts = text.trim().split(" ", 3);
        if (parts.length != 3 || !parts[0].startsWith("slotmap/")) {
            throw new IllegalArgumentException("the stored slot map is not in a format Shard writes (it should start"
                    + " with '" + FORMAT + " ')");
        }
        if (!parts[0].equals(FORMAT)) {
            throw new IllegalArgumentException("the stored slot map has format " + parts[0] + ", which this version"
                    + " of Shard cannot read (it reads " + FORMAT + "); upgrade Shard on this instance");
        }
        byte[] bytes;
        try {
            bytes = inflate(Base64.getDecoder().decode(parts[2]));
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("the stored slot map cannot be decoded (" + e.getMessage() + ")", e);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        String actual = String.format("%08x", crc.getValue());
        if (!actual.equals(parts[1])) {
            throw new IllegalArgumentException("the stored slot map fails its checksum (stored " + parts[1]
                    + ", computed " + actual + "): the row was damaged or edited by hand");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            if (count <= 0 || count > SlotMap.MAX_SHARDS) {
                throw new IllegalArgumentException("the stored slot map names " + count + " data sources");
            }
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                names.add(in.readUTF());
            }
            int bits = in.readUnsignedByte();
            if (bits != bitsPerOwner(count)) {
                throw new IllegalArgumentException("the stored slot map has " + bits + " bits per slot for " + count
                        + " data sources");
            }
            byte[] packed = new byte[SlotMap.SLOT_COUNT * bits / 8];
            in.readFully(packed);
            short[] owners = new short[SlotMap.SLOT_COUNT];
            for (int slot = 0; slot < owners.length; slot++) {
                int owner = 0;
                for (int bit = 0; bit < bits; bit++) {
                    int at = slot * bits + bit;
                    owner |= (packed[at >>> 3] >>> (at & 7) & 1) << bit;
                }
                owners[slot] = (short) owner;
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("the stored slot map has bytes after its last slot");
            }
            return SlotMap.ofOwners(names, owners);
        } catch (EOFException e) {
            throw new IllegalArgumentException("the stored slot map ends before its last slot", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** At least one bit, so that a map of one data source still has a body to check. */
    private static int bitsPerOwner(int shards) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(shards - 1));
    }

    private static byte[] inflate(byte[] packed) throws IOException {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(packed), new Inflater())) {
            return in.readAllBytes();
        } catch (java.util.zip.ZipException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
