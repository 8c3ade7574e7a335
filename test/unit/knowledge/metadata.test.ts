import articles from '../../../functions/shared/knowledge/articles.generated.json';
import { dayNumber, type Article } from '../../../functions/shared/knowledge/article';
import {
  articleMetadataOf,
  dataSourceFilesOf,
  retrievedMetadataSchema,
} from '../../../functions/shared/knowledge/metadata';
import { plainTerms } from '../../../functions/shared/knowledge/snippet';

const all = articles as Article[];
const article: Article = {
  id: 'weekly-meeting',
  title: 'The weekly meeting',
  category: 'meetings',
  tags: ['Meetings', 'cadence'],
  lastUpdated: '2026-11-30',
  url: '/help/weekly-meeting',
  body: '# The weekly meeting\n\nSame day, same time.',
};

describe('dataSourceFilesOf', () => {
  it('writes the body without front matter and a metadata sidecar named after it, tags lower-cased', () => {
    const files = dataSourceFilesOf(article);

    expect(Object.keys(files)).toEqual(['weekly-meeting.md', 'weekly-meeting.md.metadata.json']);
    expect(files['weekly-meeting.md']).toBe('# The weekly meeting\n\nSame day, same time.\n');
    expect(JSON.parse(files['weekly-meeting.md.metadata.json'] ?? '')).toEqual({
      metadataAttributes: {
        id: 'weekly-meeting',
        title: 'The weekly meeting',
        category: 'meetings',
        tags: ['meetings', 'cadence'],
        lastUpdated: '2026-11-30',
        lastUpdatedDay: dayNumber('2026-11-30'),
        url: '/help/weekly-meeting',
      },
    });
  });

  it("keeps every article's metadata readable back and under 1 KB (S3 Vectors allows 2 KB of filterable metadata a chunk)", () => {
    expect(all.length).toBeGreaterThanOrEqual(30);
    for (const each of all) {
      const { lastUpdatedDay, ...shown } = articleMetadataOf(each);
      expect(lastUpdatedDay).toBe(dayNumber(each.lastUpdated));
      expect(retrievedMetadataSchema.parse({ ...shown, lastUpdatedDay })).toEqual(shown);
      const metadata = { ...shown, lastUpdatedDay };
      expect({ id: each.id, bytes: Buffer.byteLength(JSON.stringify(metadata)) < 1024 }).toEqual({
        id: each.id,
        bytes: true,
      });
    }
  });
});

describe('plainTerms', () => {
  it('lower-cases the words and drops stop words, without stemming', () => {
    expect(plainTerms('How do I write SMART goals?')).toEqual(['write', 'smart', 'goals']);
    expect(plainTerms('')).toEqual([]);
  });
});
