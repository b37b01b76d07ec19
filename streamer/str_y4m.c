/* str_y4m: raw Y4M read a picture per read (see str_y4m.h).
 *
 * Why: decodebin's typefind would pull a Y4M file 4 KiB at a time, 340 reads per 720p frame;
 * filesrc pushing large blocks straight into y4mdec halves the cost of reading. Everything else
 * goes through uridecodebin.
 *
 * The blocks are cut where the frames are: the header line with the first "FRAME\n", then each
 * picture alone, then its successor's "FRAME\n" alone, and so on. y4mdec then takes each
 * picture as one whole read: not merged from two reads (a copy: 0.45 ms per 720p frame, perf),
 * and not a slice of a larger one (read-only memory, which the overlay would have to copy before
 * drawing into it). The sizes come from the header's W, H and C; where they are wrong (frame
 * headers with parameters, a colour space not listed here) the blocks misalign, which costs
 * those copies again but reads correctly: y4mdec copes with any cut.
 *
 * Threads: the layout is read once on the main thread and handed to the probe as an owned copy;
 * the probe runs on filesrc's streaming thread and only reads it. */
#include "str_y4m.h"

#include <stdio.h>
#include <string.h>

#include "str_gst.h"

typedef struct {
    guint header; /* the header line with its newline; 0: not Y4M */
    guint frame;  /* "FRAME\n" plus one picture; 0: unknown */
} Y4mLayout;

static Y4mLayout y4m_layout(const char *uri)
{
    Y4mLayout out = {0, 0};
    g_autofree char *path = g_filename_from_uri(uri, NULL, NULL);
    char head[256];
    FILE *f = path != NULL ? fopen(path, "rb") : NULL;
    if (f == NULL) {
        return out;
    }
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    char *nl = n > 10 && memcmp(head, "YUV4MPEG2 ", 10) == 0 ? memchr(head, '\n', n) : NULL;
    if (nl == NULL) {
        return out;
    }
    *nl = '\0';
    out.header = (guint)(nl - head) + 1;
    guint64 w = 0, h = 0;
    const char *chroma = "420";
    g_auto(GStrv) params = g_strsplit(head + 10, " ", -1);
    for (char **p = params; *p != NULL; p++) {
        if ((*p)[0] == 'W') {
            w = g_ascii_strtoull(*p + 1, NULL, 10);
        } else if ((*p)[0] == 'H') {
            h = g_ascii_strtoull(*p + 1, NULL, 10);
        } else if ((*p)[0] == 'C') {
            chroma = *p + 1;
        }
    }
    guint64 cw = (w + 1) / 2, ch = (h + 1) / 2, picture = 0;
    if (g_str_equal(chroma, "420") || g_str_equal(chroma, "420jpeg") ||
        g_str_equal(chroma, "420paldv") || g_str_equal(chroma, "420mpeg2")) {
        picture = w * h + 2 * cw * ch;
    } else if (g_str_equal(chroma, "422")) {
        picture = w * h + 2 * cw * h;
    } else if (g_str_equal(chroma, "444")) {
        picture = 3 * w * h;
    } else if (g_str_equal(chroma, "mono")) {
        picture = w * h;
    }
    if (picture > 0 && picture + 6 + out.header <= G_MAXUINT) {
        out.frame = (guint)picture + 6;
    }
    return out;
}

/* filesrc's thread, after each read: the next read ends where the next picture or the next
 * "FRAME\n" does (a seek back to the start realigns by itself). */
static GstPadProbeReturn on_y4m_block(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    const Y4mLayout *layout = data;
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
    guint64 end = GST_BUFFER_OFFSET(buf) + gst_buffer_get_size(buf);
    if (GST_BUFFER_OFFSET_IS_VALID(buf) && end >= layout->header) {
        guint64 rem = (end - layout->header) % layout->frame;
        guint64 next = rem < 6 ? 6 - rem : layout->frame - rem;
        g_object_set(GST_PAD_PARENT(pad), "blocksize", (guint)next, NULL);
    }
    return GST_PAD_PROBE_OK;
}

GstElement *str_y4m_add_reader(GstBin *bin, const char *uri, GError **error)
{
    Y4mLayout layout = y4m_layout(uri);
    if (layout.header == 0) {
        return NULL;
    }
    static const char *const chain[] = {"filesrc", "y4mdec", NULL};
    GstElement *e[2];
    if (!str_gst_add_chain(bin, chain, e, error)) {
        return NULL;
    }
    g_autofree char *path = g_filename_from_uri(uri, NULL, NULL);
    guint first = layout.frame > 0 ? layout.header + 6 : 1u << 20;
    g_object_set(e[0], "location", path, "blocksize", first, NULL);
    if (layout.frame > 0) {
        GstPad *src = gst_element_get_static_pad(e[0], "src");
        gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, on_y4m_block,
                          g_memdup2(&layout, sizeof layout), g_free);
        gst_object_unref(src);
    }
    return e[1];
}
