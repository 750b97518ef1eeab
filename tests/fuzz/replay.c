// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A main() for a fuzz target without libFuzzer: feeds it every file of the
 * folders (or files) named, once each; a folder that does not exist is
 * skipped, but no input at all is a failure. meson test replays the found crashes
 * (tests/fuzz/regressions) and the seeds this way in every build, gcc's and
 * the sanitizer build's included, not only in tests/fuzz/run's clang build.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	/* A copy of exactly the file's size, so that ASan sees any read past it. */
	uint8_t *exact = malloc(n ? n : 1);

	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &sb) < 0) {
			/* A target with no regressions has no folder (git keeps no empty ones). */
			if (errno != ENOENT) {
				perror(argv[i]);
				bad++;
			}
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad += replay_file(argv[i]) < 0;
			files++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			bad++;
			continue;
		}
		while ((e = readdir(d))) {
			char path[4096];

			if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
				bad += replay_file(path) < 0;
				files++;
			}
		}
		closedir(d);
	}
	printf("%d inputs replayed, %d unreadable\n", files, bad);
	return bad || !files ? 1 : 0;
}
