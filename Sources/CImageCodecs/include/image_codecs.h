// libjpeg-turbo and libpng behind calls that cannot longjmp into Swift.
// Both libraries report errors by longjmp (or exit), which Swift cannot catch; each call here sets its own
// jump point, turns any error or warning into a message, and returns 0 on success, -1 on failure.
#ifndef GAVEL_IMAGE_CODECS_H
#define GAVEL_IMAGE_CODECS_H

#include <stddef.h>

typedef struct {
    unsigned char *pixels;  // malloc'd, rows top to bottom, `channels` bytes per pixel; free with gavel_free
    int width;
    int height;
    int channels;  // 3 (RGB) or 4 (RGBA)
} gavel_bitmap;

// The JPEG's dimensions, from its header only.
int gavel_jpeg_dimensions(const unsigned char *data, size_t size, int *width, int *height, char *message, size_t message_size);

// Decodes a JPEG to RGB at scale_num/8 of its size (1...8): libjpeg-turbo scales in the IDCT, so a small
// scale decodes far less. A corrupt-data warning (a truncated file) is an error, not a grey patch.
int gavel_jpeg_decode(const unsigned char *data, size_t size, int scale_num, gavel_bitmap *out, char *message, size_t message_size);

// Encodes RGB pixels as a baseline JPEG with optimised Huffman tables and no metadata.
int gavel_jpeg_encode(const gavel_bitmap *bitmap, int quality, unsigned char **out, size_t *out_size, char *message, size_t message_size);

// Decodes a PNG to RGBA, averaging each shrink x shrink block as rows arrive (premultiplied by alpha), so a
// large image never needs its full-size pixels in memory (interlaced images do: they are decoded whole).
int gavel_png_decode(const unsigned char *data, size_t size, int shrink, gavel_bitmap *out, char *message, size_t message_size);

// Encodes RGBA pixels as a PNG with no metadata.
int gavel_png_encode(const gavel_bitmap *bitmap, unsigned char **out, size_t *out_size, char *message, size_t message_size);

void gavel_free(void *pointer);

#endif
