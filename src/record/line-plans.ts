// Generated from src/record/schema.ts by test/unit/line-plans.test.ts, which fails whenever this
// differs from the schemas (UPDATE_LINE_PLANS=1 rewrites it). The plans the fast parser of note lines
// is compiled from (fast-parse.ts): shipped as data so that reading a note builds no zod schema.
import type { Plan } from './fast-parse.js';

export const LINE_PLANS: { record: Plan; ref: Plan; event: Plan } = {
  record: {
    type: 'object',
    keys: [
      [
        'schema',
        {
          type: 'string',
          checks: [
            {
              pattern: '^agent-log\\/v\\d+$',
              flags: '',
            },
          ],
        },
      ],
      [
        'kind',
        {
          type: 'values',
          values: ['record'],
        },
      ],
      [
        'id',
        {
          type: 'string',
          checks: [
            {
              pattern: '^[0-9a-z]{4,32}$',
              flags: '',
            },
          ],
        },
      ],
      [
        'task',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'intent',
                {
                  type: 'default',
                  value: '',
                  inner: {
                    type: 'string',
                    checks: [],
                  },
                },
              ],
              [
                'source',
                {
                  type: 'default',
                  value: 'flag',
                  inner: {
                    type: 'union',
                    options: [
                      {
                        type: 'values',
                        values: ['prompt', 'flag', 'import'],
                      },
                      {
                        type: 'string',
                        checks: [],
                      },
                    ],
                  },
                },
              ],
              [
                'follow_ups',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'boundary',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'allow',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'deny',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'level',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'union',
                      options: [
                        {
                          type: 'values',
                          values: ['read-only', 'edit', 'test', 'pr', 'deploy'],
                        },
                        {
                          type: 'string',
                          checks: [],
                        },
                      ],
                    },
                  },
                },
              ],
              [
                'constraints',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'agent',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'name',
                {
                  type: 'default',
                  value: 'unknown',
                  inner: {
                    type: 'string',
                    checks: [],
                  },
                },
              ],
              [
                'version',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'model',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'session_ids',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'repo',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'branch',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'start_commit',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'end_commit',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'commits',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'start_tree',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'end_tree',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'worktree',
                {
                  type: 'optional',
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'adopted',
                {
                  type: 'optional',
                  inner: {
                    type: 'array',
                    element: {
                      type: 'object',
                      keys: [
                        [
                          'commit',
                          {
                            type: 'string',
                            checks: [],
                          },
                        ],
                        [
                          'at',
                          {
                            type: 'default',
                            value: null,
                            inner: {
                              type: 'nullable',
                              inner: {
                                type: 'string',
                                checks: [],
                              },
                            },
                          },
                        ],
                      ],
                      keepUnknown: true,
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'started_at',
        {
          type: 'default',
          value: null,
          inner: {
            type: 'nullable',
            inner: {
              type: 'string',
              checks: [],
            },
          },
        },
      ],
      [
        'ended_at',
        {
          type: 'default',
          value: null,
          inner: {
            type: 'nullable',
            inner: {
              type: 'string',
              checks: [],
            },
          },
        },
      ],
      [
        'sealed_at',
        {
          type: 'optional',
          inner: {
            type: 'nullable',
            inner: {
              type: 'string',
              checks: [],
            },
          },
        },
      ],
      [
        'files',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'read',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'changed',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'object',
                      keys: [
                        [
                          'path',
                          {
                            type: 'string',
                            checks: [],
                          },
                        ],
                        [
                          'status',
                          {
                            type: 'default',
                            value: 'modified',
                            inner: {
                              type: 'union',
                              options: [
                                {
                                  type: 'values',
                                  values: [
                                    'added',
                                    'modified',
                                    'deleted',
                                    'renamed',
                                    'copied',
                                    'type-changed',
                                  ],
                                },
                                {
                                  type: 'string',
                                  checks: [],
                                },
                              ],
                            },
                          },
                        ],
                        [
                          'additions',
                          {
                            type: 'default',
                            value: null,
                            inner: {
                              type: 'nullable',
                              inner: {
                                type: 'number',
                                int: true,
                              },
                            },
                          },
                        ],
                        [
                          'deletions',
                          {
                            type: 'default',
                            value: null,
                            inner: {
                              type: 'nullable',
                              inner: {
                                type: 'number',
                                int: true,
                              },
                            },
                          },
                        ],
                        [
                          'via',
                          {
                            type: 'default',
                            value: 'unknown',
                            inner: {
                              type: 'union',
                              options: [
                                {
                                  type: 'values',
                                  values: ['edit', 'shell', 'unknown'],
                                },
                                {
                                  type: 'string',
                                  checks: [],
                                },
                              ],
                            },
                          },
                        ],
                        [
                          'old_path',
                          {
                            type: 'optional',
                            inner: {
                              type: 'string',
                              checks: [],
                            },
                          },
                        ],
                        [
                          'binary',
                          {
                            type: 'optional',
                            inner: {
                              type: 'boolean',
                            },
                          },
                        ],
                      ],
                      keepUnknown: true,
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'commands',
        {
          type: 'default',
          value: [],
          inner: {
            type: 'array',
            element: {
              type: 'object',
              keys: [
                [
                  'command',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'cwd',
                  {
                    type: 'default',
                    value: '.',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'started_at',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'duration_ms',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'number',
                        int: false,
                      },
                    },
                  },
                ],
                [
                  'exit_code',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'number',
                        int: true,
                      },
                    },
                  },
                ],
                [
                  'interrupted',
                  {
                    type: 'default',
                    value: false,
                    inner: {
                      type: 'boolean',
                    },
                  },
                ],
                [
                  'kind',
                  {
                    type: 'default',
                    value: 'other',
                    inner: {
                      type: 'union',
                      options: [
                        {
                          type: 'values',
                          values: ['test', 'lint', 'typecheck', 'build', 'install', 'other'],
                        },
                        {
                          type: 'string',
                          checks: [],
                        },
                      ],
                    },
                  },
                ],
                [
                  'output_tail',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'check',
                  {
                    type: 'optional',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'status',
                  {
                    type: 'optional',
                    inner: {
                      type: 'union',
                      options: [
                        {
                          type: 'values',
                          values: [
                            'ok',
                            'failed',
                            'refused',
                            'blocked',
                            'cancelled',
                            'interrupted',
                            'unknown',
                          ],
                        },
                        {
                          type: 'string',
                          checks: [],
                        },
                      ],
                    },
                  },
                ],
                [
                  'reason',
                  {
                    type: 'optional',
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'background',
                  {
                    type: 'optional',
                    inner: {
                      type: 'boolean',
                    },
                  },
                ],
                [
                  'tree',
                  {
                    type: 'optional',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'truncated',
                  {
                    type: 'optional',
                    inner: {
                      type: 'boolean',
                    },
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
      [
        'checks',
        {
          type: 'default',
          value: [],
          inner: {
            type: 'array',
            element: {
              type: 'object',
              keys: [
                [
                  'name',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'kind',
                  {
                    type: 'default',
                    value: 'other',
                    inner: {
                      type: 'union',
                      options: [
                        {
                          type: 'values',
                          values: ['test', 'lint', 'typecheck', 'build', 'install', 'other'],
                        },
                        {
                          type: 'string',
                          checks: [],
                        },
                      ],
                    },
                  },
                ],
                [
                  'status',
                  {
                    type: 'union',
                    options: [
                      {
                        type: 'values',
                        values: ['passed', 'failed', 'skipped', 'not-run'],
                      },
                      {
                        type: 'string',
                        checks: [],
                      },
                    ],
                  },
                ],
                [
                  'attempts',
                  {
                    type: 'default',
                    value: 1,
                    inner: {
                      type: 'number',
                      int: true,
                    },
                  },
                ],
                [
                  'after_last_edit',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'boolean',
                      },
                    },
                  },
                ],
                [
                  'weakened',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'command',
                  {
                    type: 'optional',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'exit_code',
                  {
                    type: 'optional',
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'number',
                        int: true,
                      },
                    },
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
      [
        'dependencies',
        {
          type: 'default',
          value: [],
          inner: {
            type: 'array',
            element: {
              type: 'object',
              keys: [
                [
                  'manifest',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'name',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'from',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'to',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
      [
        'config_changes',
        {
          type: 'default',
          value: [],
          inner: {
            type: 'array',
            element: {
              type: 'string',
              checks: [],
            },
          },
        },
      ],
      [
        'approvals',
        {
          type: 'default',
          value: [],
          inner: {
            type: 'array',
            element: {
              type: 'object',
              keys: [
                [
                  'by',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'scope',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'decision',
                  {
                    type: 'default',
                    value: 'approved',
                    inner: {
                      type: 'union',
                      options: [
                        {
                          type: 'values',
                          values: ['approved', 'denied'],
                        },
                        {
                          type: 'string',
                          checks: [],
                        },
                      ],
                    },
                  },
                ],
                [
                  'at',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'note',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'email',
                  {
                    type: 'optional',
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'event',
                  {
                    type: 'optional',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'signed',
                  {
                    type: 'optional',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'recorded_by',
                  {
                    type: 'optional',
                    inner: {
                      type: 'object',
                      keys: [
                        [
                          'name',
                          {
                            type: 'string',
                            checks: [],
                          },
                        ],
                        [
                          'email',
                          {
                            type: 'default',
                            value: null,
                            inner: {
                              type: 'nullable',
                              inner: {
                                type: 'string',
                                checks: [],
                              },
                            },
                          },
                        ],
                      ],
                      keepUnknown: true,
                    },
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
      [
        'outcome',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'status',
                {
                  type: 'default',
                  value: 'pending',
                  inner: {
                    type: 'union',
                    options: [
                      {
                        type: 'values',
                        values: ['completed', 'failed', 'abandoned', 'pending'],
                      },
                      {
                        type: 'string',
                        checks: [],
                      },
                    ],
                  },
                },
              ],
              [
                'pr',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
              [
                'summary',
                {
                  type: 'default',
                  value: null,
                  inner: {
                    type: 'nullable',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'rollback',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'strategy',
                {
                  type: 'default',
                  value: 'revert-commits',
                  inner: {
                    type: 'string',
                    checks: [],
                  },
                },
              ],
              [
                'notes',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'cost',
        {
          type: 'default',
          value: null,
          inner: {
            type: 'nullable',
            inner: {
              type: 'object',
              keys: [
                [
                  'model',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
                [
                  'input_tokens',
                  {
                    type: 'default',
                    value: 0,
                    inner: {
                      type: 'number',
                      int: false,
                    },
                  },
                ],
                [
                  'output_tokens',
                  {
                    type: 'default',
                    value: 0,
                    inner: {
                      type: 'number',
                      int: false,
                    },
                  },
                ],
                [
                  'cache_read_tokens',
                  {
                    type: 'default',
                    value: 0,
                    inner: {
                      type: 'number',
                      int: false,
                    },
                  },
                ],
                [
                  'cache_write_tokens',
                  {
                    type: 'default',
                    value: 0,
                    inner: {
                      type: 'number',
                      int: false,
                    },
                  },
                ],
                [
                  'usd',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'number',
                        int: false,
                      },
                    },
                  },
                ],
                [
                  'known',
                  {
                    type: 'optional',
                    inner: {
                      type: 'boolean',
                    },
                  },
                ],
                [
                  'price_table',
                  {
                    type: 'optional',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
      [
        'risk',
        {
          type: 'prefault',
          value: {},
          inner: {
            type: 'object',
            keys: [
              [
                'level',
                {
                  type: 'default',
                  value: 'low',
                  inner: {
                    type: 'union',
                    options: [
                      {
                        type: 'values',
                        values: ['low', 'medium', 'high'],
                      },
                      {
                        type: 'string',
                        checks: [],
                      },
                    ],
                  },
                },
              ],
              [
                'reasons',
                {
                  type: 'default',
                  value: [],
                  inner: {
                    type: 'array',
                    element: {
                      type: 'string',
                      checks: [],
                    },
                  },
                },
              ],
            ],
            keepUnknown: true,
          },
        },
      ],
      [
        'redactions',
        {
          type: 'default',
          value: [],
          inner: {
            type: 'array',
            element: {
              type: 'object',
              keys: [
                [
                  'rule',
                  {
                    type: 'string',
                    checks: [],
                  },
                ],
                [
                  'count',
                  {
                    type: 'number',
                    int: true,
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
      [
        'gaps',
        {
          type: 'optional',
          inner: {
            type: 'default',
            value: [],
            inner: {
              type: 'array',
              element: {
                type: 'object',
                keys: [
                  [
                    'from',
                    {
                      type: 'default',
                      value: null,
                      inner: {
                        type: 'nullable',
                        inner: {
                          type: 'string',
                          checks: [],
                        },
                      },
                    },
                  ],
                  [
                    'to',
                    {
                      type: 'default',
                      value: null,
                      inner: {
                        type: 'nullable',
                        inner: {
                          type: 'string',
                          checks: [],
                        },
                      },
                    },
                  ],
                  [
                    'reason',
                    {
                      type: 'default',
                      value: 'paused',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  ],
                ],
                keepUnknown: true,
              },
            },
          },
        },
      ],
      [
        'notes',
        {
          type: 'optional',
          inner: {
            type: 'default',
            value: [],
            inner: {
              type: 'array',
              element: {
                type: 'string',
                checks: [],
              },
            },
          },
        },
      ],
      [
        'events',
        {
          type: 'optional',
          inner: {
            type: 'array',
            element: {
              type: 'object',
              keys: [],
              keepUnknown: true,
            },
          },
        },
      ],
    ],
    keepUnknown: true,
  },
  ref: {
    type: 'object',
    keys: [
      [
        'schema',
        {
          type: 'string',
          checks: [
            {
              pattern: '^agent-log\\/v\\d+$',
              flags: '',
            },
          ],
        },
      ],
      [
        'kind',
        {
          type: 'values',
          values: ['ref'],
        },
      ],
      [
        'id',
        {
          type: 'string',
          checks: [
            {
              pattern: '^[0-9a-z]{4,32}$',
              flags: '',
            },
          ],
        },
      ],
    ],
    keepUnknown: true,
  },
  event: {
    type: 'object',
    keys: [
      [
        'schema',
        {
          type: 'string',
          checks: [
            {
              pattern: '^agent-log\\/v\\d+$',
              flags: '',
            },
          ],
        },
      ],
      [
        'kind',
        {
          type: 'values',
          values: ['event'],
        },
      ],
      [
        'id',
        {
          type: 'string',
          checks: [
            {
              pattern: '^[0-9a-z]{4,32}$',
              flags: '',
            },
          ],
        },
      ],
      [
        'event',
        {
          type: 'string',
          checks: [
            {
              pattern: '^[0-9a-z]{4,40}$',
              flags: '',
            },
          ],
        },
      ],
      [
        'type',
        {
          type: 'string',
          checks: [
            {
              pattern: '^[a-z][a-z0-9_-]{0,39}$',
              flags: '',
            },
          ],
        },
      ],
      [
        'at',
        {
          type: 'string',
          checks: [
            {
              named: 'isDateText',
            },
          ],
        },
      ],
      [
        'by',
        {
          type: 'default',
          value: null,
          inner: {
            type: 'nullable',
            inner: {
              type: 'object',
              keys: [
                [
                  'name',
                  {
                    type: 'default',
                    value: '',
                    inner: {
                      type: 'string',
                      checks: [],
                    },
                  },
                ],
                [
                  'email',
                  {
                    type: 'default',
                    value: null,
                    inner: {
                      type: 'nullable',
                      inner: {
                        type: 'string',
                        checks: [],
                      },
                    },
                  },
                ],
              ],
              keepUnknown: true,
            },
          },
        },
      ],
    ],
    keepUnknown: true,
  },
};
