#include "image_codecs.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>  // before jpeglib.h, which uses FILE without including it
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

static void set_message(char *message, size_t size, const char *text) {
    if (size > 0) snprintf(message, size, "%s", text);
}

void gavel_free(void *pointer) { free(pointer); }

// MARK: JPEG

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char text[JMSG_LENGTH_MAX];
} jpeg_failure;

static void jpeg_fail(j_common_ptr info) {
    jpeg_failure *failure = (jpeg_failure *)info->err;
    info->err->format_message(info, failure->text);
    longjmp(failure->jump, 1);
}

// Level -1 is a warning about corrupt data ("Premature end of JPEG file"); treat it as the error it is.
static void jpeg_warn(j_common_ptr info, int level) {
    if (level < 0) jpeg_fail(info);
}

static void jpeg_errors(jpeg_failure *failure) {
    jpeg_std_error(&failure->base);
    failure->base.error_exit = jpeg_fail;
    failure->base.emit_message = jpeg_warn;
    failure->text[0] = 0;
}

int gavel_jpeg_dimensions(const unsigned char *data, size_t size, int *width, int *height, char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    info.err = &failure.base;
    jpeg_errors(&failure);
    if (setjmp(failure.jump)) {
        set_message(message, message_size, failure.text);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    *width = (int)info.image_width;
    *height = (int)info.image_height;
    jpeg_destroy_decompress(&info);
    return 0;
}

int gavel_jpeg_decode(const unsigned char *data, size_t size, int scale_num, gavel_bitmap *out, char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    unsigned char *volatile pixels = NULL;
    info.err = &failure.base;
    jpeg_errors(&failure);
    if (setjmp(failure.jump)) {
        set_message(message, message_size, failure.text);
        free(pixels);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        set_message(message, message_size, "CMYK JPEGs are not supported; save the image as RGB");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    info.out_color_space = JCS_RGB;
    info.scale_num = (unsigned int)scale_num;
    info.scale_denom = 8;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * 3;
    pixels = malloc(stride * info.output_height);
    if (pixels == NULL) {
        set_message(message, message_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    out->pixels = pixels;
    out->width = (int)info.output_width;
    out->height = (int)info.output_height;
    out->channels = 3;
    jpeg_destroy_decompress(&info);
    return 0;
}

int gavel_jpeg_encode(const gavel_bitmap *bitmap, int quality, unsigned char **out, size_t *out_size, char *message, size_t message_size) {
    struct jpeg_compress_struct info;
    jpeg_failure failure;
    unsigned char *buffer = NULL;
    unsigned long length = 0;
    info.err = &failure.base;
    jpeg_errors(&failure);
    if (setjmp(failure.jump)) {
        set_message(message, message_size, failure.text);
        jpeg_destroy_compress(&info);
        free(buffer);
        return -1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &length);
    info.image_width = (JDIMENSION)bitmap->width;
    info.image_height = (JDIMENSION)bitmap->height;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    info.optimize_coding = TRUE;
    jpeg_start_compress(&info, TRUE);
    size_t stride = (size_t)bitmap->width * 3;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = bitmap->pixels + stride * info.next_scanline;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *out = buffer;
    *out_size = length;
    return 0;
}

// MARK: PNG

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
} png_source;

static void png_read_memory(png_structp png, png_bytep target, size_t length) {
    png_source *source = png_get_io_ptr(png);
    if (length > source->size - source->offset) png_error(png, "the PNG data ends early (truncated file)");
    memcpy(target, source->data + source->offset, length);
    source->offset += length;
}

static void png_fail(png_structp png, png_const_charp text) {
    png_source *source = png_get_error_ptr(png);
    set_message(source->message, source->message_size, text);
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // ancillary-chunk trouble (a bad CRC in a text chunk): the image itself is fine
}

// Adds one RGBA row into the block sums, premultiplied by alpha so transparent pixels lend no colour.
static void png_accumulate(uint64_t *sums, const unsigned char *row, int width, int shrink) {
    for (int x = 0; x < width; x++) {
        const unsigned char *pixel = row + (size_t)x * 4;
        uint64_t *sum = sums + (size_t)(x / shrink) * 4;
        uint64_t alpha = pixel[3];
        sum[0] += pixel[0] * alpha;
        sum[1] += pixel[1] * alpha;
        sum[2] += pixel[2] * alpha;
        sum[3] += alpha;
    }
}

static void png_emit(uint64_t *sums, unsigned char *target, int out_width, int in_width, int rows, int shrink) {
    for (int x = 0; x < out_width; x++) {
        uint64_t *sum = sums + (size_t)x * 4;
        int columns = (x + 1) * shrink <= in_width ? shrink : in_width - x * shrink;
        uint64_t count = (uint64_t)columns * (uint64_t)rows;
        unsigned char *pixel = target + (size_t)x * 4;
        if (sum[3] == 0) {
            pixel[0] = pixel[1] = pixel[2] = pixel[3] = 0;
        } else {
            pixel[0] = (unsigned char)((sum[0] + sum[3] / 2) / sum[3]);
            pixel[1] = (unsigned char)((sum[1] + sum[3] / 2) / sum[3]);
            pixel[2] = (unsigned char)((sum[2] + sum[3] / 2) / sum[3]);
            pixel[3] = (unsigned char)((sum[3] + count / 2) / count);
        }
        sum[0] = sum[1] = sum[2] = sum[3] = 0;
    }
}

int gavel_png_decode(const unsigned char *data, size_t size, int shrink, gavel_bitmap *out, char *message, size_t message_size) {
    png_source source = {data, size, 0, message, message_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_fail, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile rows = NULL;
    uint64_t *volatile sums = NULL;
    png_bytep *volatile pointers = NULL;
    if (png == NULL || info == NULL) {
        set_message(message, message_size, "out of memory");
        png_destroy_read_struct(&png, NULL, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        free(sums);
        free(pointers);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_set_read_fn(png, &source, png_read_memory);
    png_read_info(png, info);
    int width = (int)png_get_image_width(png, info);
    int height = (int)png_get_image_height(png, info);
    // Everything to 8-bit RGBA: palettes and low bit depths expanded, 16 bits cut, grey to RGB, opaque alpha added.
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (shrink < 1) shrink = 1;
    int out_width = (width + shrink - 1) / shrink;
    int out_height = (height + shrink - 1) / shrink;
    size_t stride = (size_t)width * 4;
    pixels = malloc((size_t)out_width * 4 * (size_t)out_height);
    sums = calloc((size_t)out_width * 4, sizeof(uint64_t));
    rows = malloc(passes > 1 ? stride * (size_t)height : stride);
    if (pixels == NULL || sums == NULL || rows == NULL) png_error(png, "out of memory");
    if (passes > 1) {
        // Interlaced: every pass touches every row, so the image is read whole, then averaged.
        pointers = malloc(sizeof(png_bytep) * (size_t)height);
        if (pointers == NULL) png_error(png, "out of memory");
        for (int y = 0; y < height; y++) pointers[y] = rows + stride * (size_t)y;
        png_read_image(png, pointers);
        free(pointers);
        pointers = NULL;
    }
    for (int y = 0; y < height; y++) {
        unsigned char *row = rows;
        if (passes > 1) {
            row = rows + stride * (size_t)y;
        } else {
            png_read_row(png, row, NULL);
        }
        png_accumulate(sums, row, width, shrink);
        if ((y + 1) % shrink == 0 || y + 1 == height) {
            int block_rows = (y % shrink) + 1;
            png_emit(sums, pixels + (size_t)(y / shrink) * (size_t)out_width * 4, out_width, width, block_rows, shrink);
        }
    }
    png_read_end(png, NULL);
    free(rows);
    free(sums);
    png_destroy_read_struct(&png, &info, NULL);
    out->pixels = pixels;
    out->width = out_width;
    out->height = out_height;
    out->channels = 4;
    return 0;
}

int gavel_png_encode(const gavel_bitmap *bitmap, unsigned char **out, size_t *out_size, char *message, size_t message_size) {
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)bitmap->width;
    image.height = (png_uint_32)bitmap->height;
    image.format = PNG_FORMAT_RGBA;
    png_alloc_size_t length = 0;
    if (!png_image_write_to_memory(&image, NULL, &length, 0, bitmap->pixels, 0, NULL)) {
        set_message(message, message_size, image.message);
        return -1;
    }
    unsigned char *buffer = malloc(length);
    if (buffer == NULL) {
        set_message(message, message_size, "out of memory");
        png_image_free(&image);
        return -1;
    }
    if (!png_image_write_to_memory(&image, buffer, &length, 0, bitmap->pixels, 0, NULL)) {
        set_message(message, message_size, image.message);
        free(buffer);
        return -1;
    }
    *out = buffer;
    *out_size = length;
    return 0;
}
