/* ovl_scene_file: reads a scene from a key file, so that the jobcastoverlay element can show a
 * card on its own (gst-launch-1.0 ... ! jobcastoverlay scene-file=card.ini ! ...).
 *
 * Format (UTF-8; every key optional; without a [card] group no card is shown):
 *     [card]
 *     title=仓库装卸工
 *     employer=德州顺达物流有限公司
 *     pay=180-220 元/天
 *     place=德州市德城区
 *     headcount=12
 *     apply-url=https://jobs.example.cn/a/1
 *     signups=37
 *     code=1024
 *     [ticker]
 *     text=家政保洁员 35-45 元/时 · 电子厂普工 4500-6000 元/月
 *     [room]
 *     brand=德州零工直播间
 *     host-name=主播 小王
 *     host-title=德州市公益零工市场
 *     [slate]
 *     text=休息中
 * A [slate] group puts the break slate (with the card's QR code) on screen instead of the card.
 * Threads: none of its own; any thread may call it. */
#pragma once

#include <glib.h>

#include "ovl_scene.h"

G_BEGIN_DECLS

/* Parses the key file at path. (transfer full) On error (JC_ERROR_IO: unreadable;
 * JC_ERROR_INVALID: not a key file, or a bad number) NULL is returned with error set. */
OvlScene *ovl_scene_file_load(const char *path, GError **error);

G_END_DECLS
