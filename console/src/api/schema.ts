// Generated from docs/openapi.json by local/console-api-types.ts (npm run console:api); do not edit.
/* eslint-disable */
/** The shared schemas (error bodies). */
export interface Components {
  Error: {
    error: {
      code: "validation_error" | "invalid_cursor" | "invalid_path" | "malformed_body" | "body_too_deep" | "unauthorized" | "forbidden" | "not_found" | "no_business_data" | "route_not_found" | "conflict" | "idempotency_key_in_progress" | "payload_too_large" | "unprocessable" | "invalid_template" | "invalid_outcome" | "idempotency_key_reused" | "not_ready" | "rate_limited" | "usage_limit_exceeded" | "internal_error" | "prompt_render_failed" | "response_contract_violation" | "upstream_unavailable" | "model_request_rejected" | "invalid_output" | "model_failed" | "model_output_invalid" | "not_queued" | "service_busy" | "model_unavailable" | "prompt_unavailable" | "model_not_configured" | "no_capable_model" | "model_timeout";
      message: string;
      details?: Components["ErrorDetails"];
    };
  };
  ErrorDetails: {
    problems?: ({
      field: string;
      message: string;
    })[];
    exceeded?: "tokens" | "cost";
    resetAt?: string;
  };
}

/** Every API operation by path and method: parameters, request body and success response. */
export interface Paths {
  "/health": {
    get: {
      /** health */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        status: "ok";
        service: string;
        version: string;
        adapters: {
          database: "dynamodb" | "local-dynamodb";
          prompts: "s3" | "folder";
          businessApi: "http" | "unconfigured";
          llm: "bedrock" | "rules";
          coach: "model" | "offline";
        };
        notice?: string;
      };
    };
  };
  "/openapi.json": {
    get: {
      /** openApi */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        [key: string]: unknown;
      };
    };
  };
  "/insights": {
    get: {
      /** listInsights */
      path: Record<string, never>;
      query: { category?: "strategy" | "operations" | "finance" | "marketing" | "leadership"; priority?: "low" | "medium" | "high" | "critical"; status?: ("active" | "dismissed" | "acknowledged") | ("all"); cursor?: string; page_size?: number; pageSize?: number; };
      body: undefined;
      response: {
        items: ({
          title: string;
          description: string;
          category: "strategy" | "operations" | "finance" | "marketing" | "leadership";
          priority: "low" | "medium" | "high" | "critical";
          actionable: boolean;
          suggestedActions: (string)[];
          evidence: ({
            source: "foundation" | "goals" | "goalStats" | "performance" | "actions" | "issues" | "signals" | "history";
            metric: string;
            value: (string) | (number) | (boolean);
          })[];
          signalKey?: string;
          id: string;
          status: "active" | "dismissed" | "acknowledged";
          source: "llm" | "rules";
          fingerprint: string;
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        })[];
        pageSize: number;
        cursor?: string;
        total: number;
        generatedAt: string;
        expiresAt: string;
        stale: boolean;
        source: "llm" | "rules";
        generation?: {
          status: "pending" | "running" | "done" | "failed";
          jobId: string;
          startedAt: string;
          finishedAt?: string;
        };
        dataGaps: ({
          source: "foundation" | "goals" | "goalStats" | "performance" | "actions" | "issues";
          reason: "timeout" | "not_found" | "http_error" | "network_error" | "invalid_response";
          status?: number;
        })[];
        provenance: {
          promptTopic: string;
          promptVersion: string;
          modelId?: string;
          outcome: "ok" | "repaired" | "fallback" | "rules";
          reason?: string;
        };
      };
    };
  };
  "/insights/summary": {
    get: {
      /** insightSummary */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        total: number;
        byCategory: {
          strategy: number;
          operations: number;
          finance: number;
          marketing: number;
          leadership: number;
        };
        byPriority: {
          low: number;
          medium: number;
          high: number;
          critical: number;
        };
        byStatus: {
          active: number;
          dismissed: number;
          acknowledged: number;
        };
        generatedAt: string;
        expiresAt: string;
        stale: boolean;
        source: "llm" | "rules";
        generation?: {
          status: "pending" | "running" | "done" | "failed";
          jobId: string;
          startedAt: string;
          finishedAt?: string;
        };
      };
    };
  };
  "/insights/categories": {
    get: {
      /** insightCategories */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        categories: ({
          id: string;
          label: string;
          description: string;
        })[];
        priorities: ({
          id: string;
          label: string;
          description: string;
        })[];
      };
    };
  };
  "/insights/refresh": {
    post: {
      /** refreshInsights */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        jobId: string;
        kind: string;
        status: "pending" | "running" | "done" | "failed";
        trigger: "miss" | "refresh" | "nightly";
        createdAt: string;
        startedAt?: string;
        finishedAt?: string;
        reason?: string;
      };
    };
  };
  "/insight-jobs/{jobId}": {
    get: {
      /** getInsightJob */
      path: { jobId: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        jobId: string;
        kind: string;
        status: "pending" | "running" | "done" | "failed";
        trigger: "miss" | "refresh" | "nightly";
        createdAt: string;
        startedAt?: string;
        finishedAt?: string;
        reason?: string;
      };
    };
  };
  "/insights/{id}/dismiss": {
    post: {
      /** dismissInsight */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        insight: {
          title: string;
          description: string;
          category: "strategy" | "operations" | "finance" | "marketing" | "leadership";
          priority: "low" | "medium" | "high" | "critical";
          actionable: boolean;
          suggestedActions: (string)[];
          evidence: ({
            source: "foundation" | "goals" | "goalStats" | "performance" | "actions" | "issues" | "signals" | "history";
            metric: string;
            value: (string) | (number) | (boolean);
          })[];
          signalKey?: string;
          id: string;
          status: "active" | "dismissed" | "acknowledged";
          source: "llm" | "rules";
          fingerprint: string;
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
      };
    };
  };
  "/insights/{id}/acknowledge": {
    post: {
      /** acknowledgeInsight */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        insight: {
          title: string;
          description: string;
          category: "strategy" | "operations" | "finance" | "marketing" | "leadership";
          priority: "low" | "medium" | "high" | "critical";
          actionable: boolean;
          suggestedActions: (string)[];
          evidence: ({
            source: "foundation" | "goals" | "goalStats" | "performance" | "actions" | "issues" | "signals" | "history";
            metric: string;
            value: (string) | (number) | (boolean);
          })[];
          signalKey?: string;
          id: string;
          status: "active" | "dismissed" | "acknowledged";
          source: "llm" | "rules";
          fingerprint: string;
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
      };
    };
  };
  "/admin/prompts": {
    get: {
      /** listPromptTopics */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        topics: ({
          topic: string;
          labels: {
            production?: string;
            staging?: string;
          };
          latestVersion?: string;
          versions: number;
        })[];
      };
    };
  };
  "/admin/prompts/{topic}/versions": {
    get: {
      /** listPromptVersions */
      path: { topic: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        versions: ({
          topic: string;
          version: string;
          status: "pending" | "valid" | "invalid";
          problems: ({
            field: string;
            message: string;
          })[];
          checksum: string;
          objectVersion?: string;
          title?: string;
          createdBy: string;
          createdAt: string;
        })[];
        labels: ({
          version: string;
          movedBy: string;
          movedAt: string;
          topic: string;
          label: "production" | "staging";
          history: ({
            version: string;
            movedBy: string;
            movedAt: string;
          })[];
        })[];
      };
    };
    post: {
      /** publishPromptVersion */
      path: { topic: string; };
      query: { label?: "production" | "staging"; };
      body: {
        [key: string]: unknown;
      };
      response: {
        created: boolean;
        record: {
          topic: string;
          version: string;
          status: "pending" | "valid" | "invalid";
          problems: ({
            field: string;
            message: string;
          })[];
          checksum: string;
          objectVersion?: string;
          title?: string;
          createdBy: string;
          createdAt: string;
        };
        label?: {
          version: string;
          movedBy: string;
          movedAt: string;
          topic: string;
          label: "production" | "staging";
          history: ({
            version: string;
            movedBy: string;
            movedAt: string;
          })[];
        };
      };
    };
  };
  "/admin/prompts/{topic}/versions/{version}": {
    get: {
      /** getPromptVersion */
      path: { topic: string; version: (string) | ("production" | "staging"); };
      query: Record<string, never>;
      body: undefined;
      response: {
        record: {
          topic: string;
          version: string;
          status: "pending" | "valid" | "invalid";
          problems: ({
            field: string;
            message: string;
          })[];
          checksum: string;
          objectVersion?: string;
          title?: string;
          createdBy: string;
          createdAt: string;
        };
        template?: {
          topic: string;
          version: string;
          phase?: string;
          metadata: {
            title: string;
            description: string;
            category?: string;
            tags?: (string)[];
          };
          system_prompt: string;
          user_prompt_template: string;
          variables: (string)[];
          output_schema?: string;
          model?: {
            id?: string;
            temperature?: number;
            max_tokens?: number;
            fallbacks?: (string)[];
            fast?: string;
          };
          completion?: {
            min_exchanges: number;
            required_fields: (string)[];
          };
          is_active?: boolean;
          created_at: string;
          created_by: string;
        };
      };
    };
  };
  "/admin/prompts/{topic}/labels/{label}": {
    post: {
      /** movePromptLabel */
      path: { topic: string; label: "production" | "staging"; };
      query: Record<string, never>;
      body: {
        version: string;
      };
      response: {
        label: {
          version: string;
          movedBy: string;
          movedAt: string;
          topic: string;
          label: "production" | "staging";
          history: ({
            version: string;
            movedBy: string;
            movedAt: string;
          })[];
        };
      };
    };
  };
  "/admin/prompts/{topic}/rollback": {
    post: {
      /** rollbackPrompt */
      path: { topic: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        label: {
          version: string;
          movedBy: string;
          movedAt: string;
          topic: string;
          label: "production" | "staging";
          history: ({
            version: string;
            movedBy: string;
            movedAt: string;
          })[];
        };
      };
    };
  };
  "/admin/prompts/{topic}/versions/{version}/preview": {
    post: {
      /** previewPromptVersion */
      path: { topic: string; version: (string) | ("production" | "staging"); };
      query: Record<string, never>;
      body: {
        tenantId?: string;
        invoke?: boolean;
      };
      response: {
        topic: string;
        version: string;
        tenantId: string;
        rendered: {
          system: string;
          user: string;
        };
        tokenEstimate: {
          system: number;
          user: number;
          total: number;
        };
        dataGaps: ({
          source: string;
          reason: string;
          status?: number;
        })[];
        output?: {
          drafts: ({
            [key: string]: unknown;
          })[];
          provenance: {
            [key: string]: unknown;
          };
        };
      };
    };
  };
  "/admin/prompts/{topic}/diff": {
    get: {
      /** diffPromptVersions */
      path: { topic: string; };
      query: { from: (string) | ("production" | "staging"); to: (string) | ("production" | "staging"); };
      body: undefined;
      response: {
        from: string;
        to: string;
        changedFields: (string)[];
        unified: string;
      };
    };
  };
  "/usage": {
    get: {
      /** getMyUsage */
      path: Record<string, never>;
      query: { month?: string; };
      body: undefined;
      response: {
        month: string;
        resetsAt: string;
        tokens: {
          used: number;
          limit: number;
          percent: number;
          inputTokens: number;
          outputTokens: number;
          cacheReadTokens: number;
          cacheWriteTokens: number;
        };
        cost: {
          usedUsd: number;
          limitUsd: number;
          percent: number;
        };
        byRequestType: {
          [key: string]: {
          calls: number;
          tokens: number;
          costUsd: number;
          inputTokens: number;
          outputTokens: number;
          cacheReadTokens: number;
          cacheWriteTokens: number;
        };
        };
        projection: {
          tokens: number;
          costUsd: number;
          exceedsBudget: boolean;
          elapsedDays: number;
          daysInMonth: number;
        };
      };
    };
  };
  "/admin/usage": {
    get: {
      /** getUsageReport */
      path: Record<string, never>;
      query: { from?: string; to?: string; tenantId?: string; groupBy?: "day" | "model" | "family" | "requestType"; format?: "json" | "csv"; };
      body: undefined;
      response: {
        from: string;
        to: string;
        tenantId?: string;
        groupBy: "day" | "model" | "family" | "requestType";
        rows: ({
          key: string;
          family?: string;
          calls: number;
          tokens: number;
          costUsd: number;
          inputTokens: number;
          outputTokens: number;
          cacheReadTokens: number;
          cacheWriteTokens: number;
        })[];
        totals: {
          calls: number;
          tokens: number;
          costUsd: number;
          inputTokens: number;
          outputTokens: number;
          cacheReadTokens: number;
          cacheWriteTokens: number;
        };
        conversations: {
          abandonedAfterDays: number;
          started: number;
          completed: number;
          abandoned: number;
          inProgress: number;
          completionRate: number | null;
          byTopic: ({
            topic: "core_values" | "purpose" | "vision" | "business_coaching";
            started: number;
            completed: number;
            abandoned: number;
            inProgress: number;
            completionRate: number | null;
          })[];
        };
      };
    };
  };
  "/admin/usage/top-tenants": {
    get: {
      /** listTopTenants */
      path: Record<string, never>;
      query: { month?: string; limit?: number; };
      body: undefined;
      response: {
        month: string;
        tenants: ({
          tenantId: string;
          calls: number;
          tokens: number;
          costUsd: number;
        })[];
      };
    };
  };
  "/admin/tenants/{id}/limits": {
    get: {
      /** getTenantLimits */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        tenantId: string;
        limits: {
          monthlyTokenBudget: number;
          monthlyCostBudgetUsd: number;
          userRequestsPerMinute: number;
        };
        override: ({
          monthlyTokenBudget?: number;
          monthlyCostBudgetUsd?: number;
          userRequestsPerMinute?: number;
        }) | (null);
        defaults: {
          monthlyTokenBudget: number;
          monthlyCostBudgetUsd: number;
          userRequestsPerMinute: number;
        };
      };
    };
    put: {
      /** putTenantLimits */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        monthlyTokenBudget?: (number) | (null);
        monthlyCostBudgetUsd?: (number) | (null);
        userRequestsPerMinute?: (number) | (null);
      };
      response: {
        tenantId: string;
        limits: {
          monthlyTokenBudget: number;
          monthlyCostBudgetUsd: number;
          userRequestsPerMinute: number;
        };
        override: ({
          monthlyTokenBudget?: number;
          monthlyCostBudgetUsd?: number;
          userRequestsPerMinute?: number;
        }) | (null);
        defaults: {
          monthlyTokenBudget: number;
          monthlyCostBudgetUsd: number;
          userRequestsPerMinute: number;
        };
      };
    };
    delete: {
      /** deleteTenantLimits */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: void;
    };
  };
  "/conversations": {
    post: {
      /** startConversation */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        topic: "core_values" | "purpose" | "vision" | "business_coaching";
      };
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        message: {
          id: string;
          seq: number;
          role: "user" | "assistant";
          text: string;
          createdAt: string;
          phase?: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          suggestedReplies?: (string)[];
          intent?: {
            type: "question" | "share" | "request_help" | "off_topic" | "escalate";
            confidence: number;
            entities: ({
              type: string;
              value: string;
            })[];
          };
          feedback?: {
            thumbs: "up" | "down";
            rating?: number;
            comment?: string;
            at: string;
          };
          provenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
        };
        turn: {
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          suggestedReplies: (string)[];
          extracted: {
            [key: string]: unknown;
          };
          phaseCorrected: boolean;
        };
        handoff?: {
          offered: true;
          reason: "escalate" | "low_confidence";
        };
      };
    };
    get: {
      /** listConversations */
      path: Record<string, never>;
      query: { status?: "active" | "paused" | "completed"; topic?: "core_values" | "purpose" | "vision" | "business_coaching"; cursor?: string; page_size?: number; pageSize?: number; };
      body: undefined;
      response: {
        items: ({
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        })[];
        pageSize: number;
        cursor?: string;
      };
    };
  };
  "/conversations/{id}/messages": {
    post: {
      /** replyToConversation */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        message: string;
      };
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        message: {
          id: string;
          seq: number;
          role: "user" | "assistant";
          text: string;
          createdAt: string;
          phase?: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          suggestedReplies?: (string)[];
          intent?: {
            type: "question" | "share" | "request_help" | "off_topic" | "escalate";
            confidence: number;
            entities: ({
              type: string;
              value: string;
            })[];
          };
          feedback?: {
            thumbs: "up" | "down";
            rating?: number;
            comment?: string;
            at: string;
          };
          provenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
        };
        turn: {
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          suggestedReplies: (string)[];
          extracted: {
            [key: string]: unknown;
          };
          phaseCorrected: boolean;
        };
        handoff?: {
          offered: true;
          reason: "escalate" | "low_confidence";
        };
      };
    };
  };
  "/conversations/{id}/messages/stream": {
    post: {
      /** streamConversationReply */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        message: string;
      };
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        message: {
          id: string;
          seq: number;
          role: "user" | "assistant";
          text: string;
          createdAt: string;
          phase?: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          suggestedReplies?: (string)[];
          intent?: {
            type: "question" | "share" | "request_help" | "off_topic" | "escalate";
            confidence: number;
            entities: ({
              type: string;
              value: string;
            })[];
          };
          feedback?: {
            thumbs: "up" | "down";
            rating?: number;
            comment?: string;
            at: string;
          };
          provenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
        };
        turn: {
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          suggestedReplies: (string)[];
          extracted: {
            [key: string]: unknown;
          };
          phaseCorrected: boolean;
        };
        handoff?: {
          offered: true;
          reason: "escalate" | "low_confidence";
        };
      };
    };
  };
  "/conversations/{id}": {
    get: {
      /** getConversation */
      path: { id: string; };
      query: { cursor?: string; page_size?: number; pageSize?: number; };
      body: undefined;
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        messages: ({
          id: string;
          seq: number;
          role: "user" | "assistant";
          text: string;
          createdAt: string;
          phase?: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          suggestedReplies?: (string)[];
          intent?: {
            type: "question" | "share" | "request_help" | "off_topic" | "escalate";
            confidence: number;
            entities: ({
              type: string;
              value: string;
            })[];
          };
          feedback?: {
            thumbs: "up" | "down";
            rating?: number;
            comment?: string;
            at: string;
          };
          provenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
        })[];
        pageSize: number;
        cursor?: string;
        totalMessages: number;
      };
    };
    delete: {
      /** deleteConversation */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: void;
    };
  };
  "/conversations/{id}/pause": {
    post: {
      /** pauseConversation */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        recap?: string;
        outcome?: {
          [key: string]: unknown;
        };
      };
    };
  };
  "/conversations/{id}/resume": {
    post: {
      /** resumeConversation */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        recap?: string;
        outcome?: {
          [key: string]: unknown;
        };
      };
    };
  };
  "/conversations/{id}/complete": {
    post: {
      /** completeConversation */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        recap?: string;
        outcome?: {
          [key: string]: unknown;
        };
      };
    };
  };
  "/conversations/{id}/outcome": {
    put: {
      /** saveConversationOutcome */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        outcome?: {
          [key: string]: unknown;
        };
        accept?: boolean;
      };
      response: {
        conversation: {
          id: string;
          tenantId: string;
          userId: string;
          topic: "core_values" | "purpose" | "vision" | "business_coaching";
          promptVersion: string;
          status: "active" | "paused" | "completed";
          phase: "introduction" | "exploration" | "synthesis" | "validation" | "completion";
          progress: number;
          readyToComplete: boolean;
          turn: number;
          exchanges: number;
          summary: string;
          summarizedThrough: number;
          extracted: {
            [key: string]: unknown;
          };
          outcome?: {
            [key: string]: unknown;
          };
          outcomeStatus?: "proposed" | "accepted";
          outcomeProvenance?: {
            provider: "rules" | "bedrock";
            promptTopic: string;
            promptVersion: string;
            modelId?: string;
            repaired?: boolean;
            step?: string;
          };
          lowConfidenceStreak: number;
          handoffRequestedAt?: string;
          usage: {
            inputTokens: number;
            outputTokens: number;
            costUsd: number;
          };
          createdAt: string;
          updatedAt: string;
          expiresAt: string;
        };
        recap?: string;
        outcome?: {
          [key: string]: unknown;
        };
      };
    };
  };
  "/conversations/{id}/messages/{messageId}/feedback": {
    post: {
      /** giveMessageFeedback */
      path: { id: string; messageId: string; };
      query: Record<string, never>;
      body: {
        thumbs: "up" | "down";
        rating?: number;
        comment?: string;
      };
      response: void;
    };
  };
  "/coach/activity": {
    post: {
      /** recordActivity */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        action: string;
        entityType: string;
        entityId: string;
        metadata?: {
          [key: string]: unknown;
        };
        occurredAt?: string;
        eventId?: string;
      };
      response: {
        activity: {
          eventId: string;
          action: string;
          entityType: string;
          entityId: string;
          metadata: {
            [key: string]: unknown;
          };
          occurredAt: string;
          receivedAt: string;
        };
        duplicate: boolean;
        nudges: ({
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        })[];
      };
    };
  };
  "/coach/check": {
    post: {
      /** checkActivity */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        action: string;
        entityType: string;
        entityId: string;
        metadata?: {
          [key: string]: unknown;
        };
        occurredAt?: string;
        eventId?: string;
      };
      response: {
        activity: {
          eventId: string;
          action: string;
          entityType: string;
          entityId: string;
          metadata: {
            [key: string]: unknown;
          };
          occurredAt: string;
          receivedAt: string;
        };
        duplicate: boolean;
        nudges: ({
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        })[];
      };
    };
  };
  "/coach/nudges": {
    get: {
      /** listNudges */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        nudges: ({
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        })[];
      };
    };
  };
  "/coach/insights": {
    get: {
      /** listCoachInsights */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        nudges: ({
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        })[];
      };
    };
  };
  "/coach/nudges/{id}/seen": {
    post: {
      /** markNudgeSeen */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        nudge: {
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        };
      };
    };
  };
  "/coach/nudges/{id}/dismiss": {
    post: {
      /** dismissNudge */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        nudge: {
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        };
      };
    };
  };
  "/coach/dismiss/{id}": {
    post: {
      /** dismissCoachNudge */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        nudge: {
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        };
      };
    };
  };
  "/coach/nudges/{id}/snooze": {
    post: {
      /** snoozeNudge */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        hours: (1) | (24);
      };
      response: {
        nudge: {
          id: string;
          type: "action" | "time" | "pattern";
          rule: string;
          message: string;
          priority: "low" | "medium" | "high" | "critical";
          entityType?: string;
          entityId?: string;
          suggestedAction?: string;
          actionParams?: {
            [key: string]: string | number | boolean;
          };
          evidence: ({
            metric: string;
            value: number | string;
          })[];
          phrasing?: {
            source: "rules" | "model";
            promptTopic?: string;
            promptVersion?: string;
            modelId?: string;
          };
          createdAt: string;
          expiresAt: string;
          seenAt?: string;
          dismissedAt?: string;
          snoozedUntil?: string;
        };
      };
    };
  };
  "/coach/settings": {
    get: {
      /** getNudgeSettings */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        settings: {
          coachLevel: (1) | (2) | (3);
          enabled: boolean;
          staleLeadDays: number;
          stuckDealDays: number;
          morningBriefing: boolean;
          patternInsights: boolean;
          types: {
            action: boolean;
            time: boolean;
            pattern: boolean;
          };
          quietHours: ({
            start: string;
            end: string;
          }) | (null);
          timeZone: string;
        };
      };
    };
    put: {
      /** updateNudgeSettings */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        [key: string]: unknown;
      };
      response: {
        settings: {
          coachLevel: (1) | (2) | (3);
          enabled: boolean;
          staleLeadDays: number;
          stuckDealDays: number;
          morningBriefing: boolean;
          patternInsights: boolean;
          types: {
            action: boolean;
            time: boolean;
            pattern: boolean;
          };
          quietHours: ({
            start: string;
            end: string;
          }) | (null);
          timeZone: string;
        };
      };
    };
  };
  "/admin/batch/tenants": {
    get: {
      /** listRegisteredTenants */
      path: Record<string, never>;
      query: { cursor?: string; page_size?: number; pageSize?: number; };
      body: undefined;
      response: {
        items: ({
          tenantId: string;
          source: "api" | "admin";
          lastSeenAt: string;
        })[];
        pageSize: number;
        cursor?: string;
      };
    };
  };
  "/admin/batch/tenants/{id}": {
    put: {
      /** registerTenant */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        tenantId: string;
        source: "api" | "admin";
        lastSeenAt: string;
      };
    };
    delete: {
      /** unregisterTenant */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: void;
    };
  };
  "/admin/batch/runs/{runId}": {
    get: {
      /** getRunSummary */
      path: { runId: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        runId: string;
        day: string;
        startedAt: string;
        enqueued: number;
        generated: number;
        from_cache: number;
        fallback: number;
        skipped: number;
        duplicate: number;
        retry_later: number;
        failed: number;
        tokens: number;
        costMicros: number;
        lastFinishedAt?: string;
      };
    };
  };
  "/admin/tenants/{id}/metrics/import": {
    post: {
      /** importMetrics */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        points: ({
          date: string;
          metric: string;
          value: unknown;
          entityId?: unknown;
        })[];
      };
      response: {
        imported: number;
        days: number;
      };
    };
  };
  "/metrics/history": {
    get: {
      /** getMetricHistory */
      path: Record<string, never>;
      query: { metric: "overallScore" | "goals" | "strategies" | "kpis" | "actions" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions" | "goalProgress" | "kpiValue" | "componentScore"; entityId?: string; from?: string; to?: string; };
      body: undefined;
      response: {
        metric: "overallScore" | "goals" | "strategies" | "kpis" | "actions" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions" | "goalProgress" | "kpiValue" | "componentScore";
        entityId?: string;
        from: string;
        to: string;
        points: ({
          date: string;
          value: number;
        })[];
      };
    };
  };
  "/metrics/trends": {
    get: {
      /** getMetricTrends */
      path: Record<string, never>;
      query: Record<string, never>;
      body: undefined;
      response: {
        asOf: string;
        historyDays: number;
        changes: ({
          metric: "overallScore" | "goals" | "strategies" | "kpis" | "actions" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions" | "goalProgress" | "kpiValue" | "componentScore";
          vs7Days?: {
            days: number;
            from: number;
            to: number;
            change: number;
            fromDate: string;
            toDate: string;
          };
          vs30Days?: {
            days: number;
            from: number;
            to: number;
            change: number;
            fromDate: string;
            toDate: string;
          };
        })[];
        overall?: {
          change: {
            days: number;
            from: number;
            to: number;
            change: number;
            fromDate: string;
            toDate: string;
          };
          drivers: ({
            component: string;
            change: number;
            from: number;
            to: number;
          })[];
          detractors: ({
            component: string;
            change: number;
            from: number;
            to: number;
          })[];
        };
        newTrends: ({
          metric: "overallScore" | "goals" | "strategies" | "kpis" | "actions" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions" | "goalProgress" | "kpiValue" | "componentScore";
          direction: "up" | "down";
          previous: "up" | "down";
          perWeek: number;
          previousPerWeek: number;
          since: string;
        })[];
        unusual: ({
          metric: "overallScore" | "goals" | "strategies" | "kpis" | "actions" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions" | "goalProgress" | "kpiValue" | "componentScore";
          date: string;
          from: number;
          to: number;
          change: number;
          z: number | null;
          typicalChange: number;
        })[];
        stalledGoals: ({
          id: string;
          title: string;
          targetDate?: string;
          progress: number;
          days: number;
          since: string;
        })[];
        goalPace: ({
          id: string;
          title: string;
          targetDate: string;
          progress: number;
          perWeek: number;
          projected: number;
          onPace: boolean;
        })[];
      };
    };
  };
  "/analyses/{id}": {
    post: {
      /** runAnalysis */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        [key: string]: unknown;
      };
      response: {
        id: string;
        type: string;
        status: "pending" | "done" | "failed";
        result?: unknown;
        provenance?: {
          promptTopic: string;
          templateVersion?: string;
          modelId: string;
          inputHash: string;
          outcome: "ok" | "repaired" | "offline";
        };
        createdAt: string;
        finishedAt?: string;
        jobId?: string;
        reason?: string;
        feedback?: {
          thumbs: "up" | "down";
          comment?: string;
          at: string;
        };
      };
    };
    get: {
      /** getAnalysis */
      path: { id: string; };
      query: Record<string, never>;
      body: undefined;
      response: {
        id: string;
        type: string;
        status: "pending" | "done" | "failed";
        result?: unknown;
        provenance?: {
          promptTopic: string;
          templateVersion?: string;
          modelId: string;
          inputHash: string;
          outcome: "ok" | "repaired" | "offline";
        };
        createdAt: string;
        finishedAt?: string;
        jobId?: string;
        reason?: string;
        feedback?: {
          thumbs: "up" | "down";
          comment?: string;
          at: string;
        };
      };
    };
  };
  "/ai/analyze-intent": {
    post: {
      /** analyzeIntent */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        message: string;
        context?: (string) | ({
          [key: string]: unknown;
        });
      };
      response: {
        id: string;
        type: string;
        status: "pending" | "done" | "failed";
        result?: unknown;
        provenance?: {
          promptTopic: string;
          templateVersion?: string;
          modelId: string;
          inputHash: string;
          outcome: "ok" | "repaired" | "offline";
        };
        createdAt: string;
        finishedAt?: string;
        jobId?: string;
        reason?: string;
        feedback?: {
          thumbs: "up" | "down";
          comment?: string;
          at: string;
        };
      };
    };
  };
  "/analyses": {
    get: {
      /** listAnalyses */
      path: Record<string, never>;
      query: { type?: string; cursor?: string; page_size?: number; pageSize?: number; };
      body: undefined;
      response: {
        items: ({
          id: string;
          type: string;
          status: "pending" | "done" | "failed";
          result?: unknown;
          provenance?: {
            promptTopic: string;
            templateVersion?: string;
            modelId: string;
            inputHash: string;
            outcome: "ok" | "repaired" | "offline";
          };
          createdAt: string;
          finishedAt?: string;
          jobId?: string;
          reason?: string;
          feedback?: {
            thumbs: "up" | "down";
            comment?: string;
            at: string;
          };
        })[];
        pageSize: number;
        cursor?: string;
      };
    };
  };
  "/analyses/{id}/feedback": {
    post: {
      /** analysisFeedback */
      path: { id: string; };
      query: Record<string, never>;
      body: {
        thumbs: "up" | "down";
        comment?: string;
      };
      response: {
        id: string;
        status: "recorded";
      };
    };
  };
  "/ai/knowledge-base/search": {
    post: {
      /** searchKnowledgeBase */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        query: string;
        context?: (string)[];
        filters?: {
          category?: "coaching" | "goals" | "meetings" | "people" | "product" | "account";
          tags?: (string)[];
          dateRange?: {
            from?: string;
            to?: string;
          };
        };
        limit?: number;
      };
      response: {
        results: ({
          id: string;
          title: string;
          content: string;
          relevanceScore: number;
          category: string;
          tags: (string)[];
          lastUpdated: string;
          url: string;
        })[];
        totalCount: number;
        searchTime: number;
      };
    };
  };
  "/ai/account-status": {
    post: {
      /** getAccountStatus */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        includeUsage?: boolean;
        includeBilling?: boolean;
        includeIntegrations?: boolean;
      };
      response: {
        account: {
          tenantId: string;
          status: "active" | "degraded" | "limited";
        };
        subscription: {
          plan: "standard" | "custom";
          limits: {
            monthlyTokenBudget: number;
            monthlyCostBudgetUsd: number;
            userRequestsPerMinute: number;
          };
          customLimits: ("monthlyTokenBudget" | "monthlyCostBudgetUsd" | "userRequestsPerMinute")[];
          resetsAt: string;
        };
        usage?: {
          month: string;
          resetsAt: string;
          tokens: {
            used: number;
            limit: number;
            percent: number;
            inputTokens: number;
            outputTokens: number;
            cacheReadTokens: number;
            cacheWriteTokens: number;
          };
          cost: {
            usedUsd: number;
            limitUsd: number;
            percent: number;
          };
          byRequestType: {
            [key: string]: {
            calls: number;
            tokens: number;
            costUsd: number;
            inputTokens: number;
            outputTokens: number;
            cacheReadTokens: number;
            cacheWriteTokens: number;
          };
          };
          projection: {
            tokens: number;
            costUsd: number;
            exceedsBudget: boolean;
            elapsedDays: number;
            daysInMonth: number;
          };
        };
        billing?: {
          currency: "USD";
          month: string;
          monthToDateUsd: number;
          budgetUsd: number;
          projectedUsd: number;
        };
        integrations?: ({
          source: "foundation" | "goals" | "goalStats" | "performance" | "actions" | "issues";
          service: "account" | "traction";
          endpoint: string;
          status: "unknown" | "healthy" | "failing";
          lastSuccessAt?: string;
          lastFailureAt?: string;
          lastError?: {
            reason: "timeout" | "not_found" | "http_error" | "network_error" | "invalid_response";
            status?: number;
          };
        })[];
        alerts: ({
          code: "token_budget_exhausted" | "token_budget_warning" | "cost_budget_exhausted" | "cost_budget_warning" | "budget_projection" | "source_failing";
          severity: "info" | "warning" | "critical";
          message: string;
          source?: "foundation" | "goals" | "goalStats" | "performance" | "actions" | "issues";
        })[];
        checkedAt: string;
      };
    };
  };
  "/ai/analytics-overview": {
    post: {
      /** getAnalyticsOverview */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        timeRange: "last_7_days" | "last_30_days" | "last_90_days";
        metrics?: ("overallScore" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions")[];
        includeComparisons?: boolean;
        includeInsights?: boolean;
      };
      response: {
        timeRange: {
          period: "last_7_days" | "last_30_days" | "last_90_days";
          start: string;
          end: string;
          days: number;
        };
        metrics: ({
          metric: "overallScore" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions";
          label: string;
          points: number;
          latest: ({
            date: string;
            value: number;
          }) | (null);
          average: number | null;
          min: number | null;
          max: number | null;
        })[];
        trends: {
          comparisons?: {
            previous: {
              start: string;
              end: string;
            };
            metrics: ({
              metric: "overallScore" | "completionRate" | "atRisk" | "behindSchedule" | "openIssues" | "criticalIssues" | "overdueActions";
              current: number | null;
              previous: number | null;
              change: number | null;
              changePercent: number | null;
              assessment: "better" | "worse" | "unchanged" | "no_data";
            })[];
          };
          historyDays: number;
          signals: ({
            key: string;
            kind: string;
            priority: string;
            category: string;
            summary: string;
          })[];
        };
        insights?: {
          available: boolean;
          message?: string;
          generatedAt?: string;
          stale?: boolean;
          source?: "llm" | "rules";
          activeCount?: number;
          top: ({
            id: string;
            title: string;
            category: string;
            priority: string;
            description: string;
          })[];
        };
      };
    };
  };
  "/ai/escalate": {
    post: {
      /** escalate */
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        conversationId?: string;
        reason: string;
        priority: "low" | "normal" | "high" | "urgent";
        category: string;
      };
      response: {
        ticketId: string;
        estimatedWaitTime: number;
        queuePosition: number;
        agentAvailability: boolean;
        escalationDetails: {
          department: string;
          skillsRequired: (string)[];
          context: {
            conversationId?: string;
            messagesIncluded: number;
          };
        };
        followUp: string;
      };
    };
  };
  "/admin/tickets": {
    get: {
      /** listTickets */
      path: Record<string, never>;
      query: { tenantId?: string; status?: "open" | "in_progress" | "resolved" | "closed"; cursor?: string; page_size?: number; pageSize?: number; };
      body: undefined;
      response: {
        items: ({
          tenantId: string;
          ticketId: string;
          userId: string;
          reason: string;
          priority: "low" | "normal" | "high" | "urgent";
          category: string;
          status: "open" | "in_progress" | "resolved" | "closed";
          department: string;
          skillsRequired: (string)[];
          conversationId?: string;
          history: ({
            role: "user" | "assistant";
            content: string;
            at: string;
          })[];
          createdAt: string;
          updatedAt: string;
        })[];
        pageSize: number;
        cursor?: string;
      };
    };
  };
  "/admin/tickets/{id}": {
    get: {
      /** getTicket */
      path: { id: string; };
      query: { tenantId?: string; };
      body: undefined;
      response: {
        tenantId: string;
        ticketId: string;
        userId: string;
        reason: string;
        priority: "low" | "normal" | "high" | "urgent";
        category: string;
        status: "open" | "in_progress" | "resolved" | "closed";
        department: string;
        skillsRequired: (string)[];
        conversationId?: string;
        history: ({
          role: "user" | "assistant";
          content: string;
          at: string;
        })[];
        createdAt: string;
        updatedAt: string;
      };
    };
    patch: {
      /** moveTicket */
      path: { id: string; };
      query: { tenantId?: string; };
      body: {
        status: "open" | "in_progress" | "resolved" | "closed";
      };
      response: {
        tenantId: string;
        ticketId: string;
        userId: string;
        reason: string;
        priority: "low" | "normal" | "high" | "urgent";
        category: string;
        status: "open" | "in_progress" | "resolved" | "closed";
        department: string;
        skillsRequired: (string)[];
        conversationId?: string;
        history: ({
          role: "user" | "assistant";
          content: string;
          at: string;
        })[];
        createdAt: string;
        updatedAt: string;
      };
    };
  };
}
