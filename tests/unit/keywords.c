// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prints every statement form and keyword the library accepts, one per line:
 * "OBJECT<TAB>VERB<TAB>KEYWORD<TAB>VALUE". The man-page and completion tests
 * check their files against this list, so neither can drift from the tables.
 */
#include <stdio.h>

#include "vnet.h"

int main(void)
{
	for (const struct vnet_verb *v = vnet_verbs(); v->object; v++) {
		printf("%s\t%s\t\t\n", v->object, v->verb);
		for (const struct vnet_keyword *k = v->keywords; k && k->word; k++)
			printf("%s\t%s\t%s\t%s\n", v->object, v->verb, k->word, k->value ? k->value : "");
	}
	return 0;
}
